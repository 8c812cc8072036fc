"""ANPR, crossings, calls and subscribers: the synthetic world's files, and hand-written rows."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from loaders import anpr, calls, crossings, subscribers
from loaders.base import GraphRow, RowContext, Source, SourceRow
from ocgmap.resolve import HaulierIndex
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, NodeRow, SourceRef
from ocgmap.synth import Truth, generate

SOURCES: dict[str, Source] = {
    "anpr.csv": anpr.SOURCE,
    "crossings.csv": crossings.SOURCE,
    "calls.csv": calls.SOURCE,
    "subscribers.csv": subscribers.SOURCE,
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    out = tmp_path_factory.mktemp("world")
    return out, generate(out, seed=3, scale=0.05)


def _records(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """Rows as the pipeline's reader hands them over: keys stripped and lower-cased."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [
            (n, {key.strip().lower(): value for key, value in record.items()})
            for n, record in enumerate(csv.DictReader(fh), start=2)
        ]


def _ctx(file: str, raw: Mapping[str, Any], row: int = 2) -> RowContext:
    return RowContext(SourceRef(load_id="T1", file=file, row=row), raw, HaulierIndex())


def _build(source: Source, file: str, raw: dict[str, Any], row: int = 2) -> list[GraphRow]:
    model = source.model.model_validate(raw)
    return list(source.to_graph(model, _ctx(file, raw, row)))


def _nodes(rows: list[GraphRow]) -> list[NodeRow]:
    return [r for r in rows if isinstance(r, NodeRow)]


def _edges(rows: list[GraphRow], type: RelType | None = None) -> list[EdgeRow]:
    return [r for r in rows if isinstance(r, EdgeRow) and type in (None, r.type)]


def _validate(model: type[SourceRow], raw: dict[str, Any]) -> set[str] | SourceRow:
    """The row model, or the fields whose validation failed."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        return {str(error["loc"][0]) for error in exc.errors()}


Checked = dict[int, tuple[dict[str, Any], SourceRow | set[str]]]


@pytest.fixture(scope="module")
def checked(world: tuple[Path, Truth]) -> dict[str, Checked]:
    """Each file's rows by row number: the raw record and its model or failing fields."""
    out, _ = world
    return {
        name: {n: (raw, _validate(source.model, raw)) for n, raw in _records(out / name)}
        for name, source in SOURCES.items()
    }


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_exactly_the_planted_bad_rows_fail_on_their_field(
    world: tuple[Path, Truth], checked: dict[str, Checked], name: str
) -> None:
    _, truth = world
    expected = {bad.row: {bad.field.lower()} for bad in truth.files[name].bad_rows}
    assert expected, f"the synthetic {name} should plant bad rows"
    assert len(checked[name]) == truth.files[name].rows
    failed = {n: result for n, (_, result) in checked[name].items() if isinstance(result, set)}
    assert failed == expected


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_valid_row_builds_rows_joining_its_own_nodes(
    checked: dict[str, Checked], name: str
) -> None:
    built = 0
    for n, (raw, model) in checked[name].items():
        if isinstance(model, set):
            continue
        rows = list(SOURCES[name].to_graph(model, _ctx(name, raw, n)))
        refs = {node.ref for node in _nodes(rows)}
        assert refs, f"{name} row {n} built no node"
        for edge in _edges(rows):
            assert edge.start in refs and edge.end in refs, f"{name} row {n}: {edge}"
        built += 1
    assert built > 0


# ANPR ---------------------------------------------------------------------------------------


def _read(read_at: str, vrm: str = "ab12 cde", camera: str = "HMP-M3-J09") -> dict[str, Any]:
    return {
        "read_id": "R1",
        "vrm": vrm,
        "read_at": read_at,
        "camera_id": camera,
        "camera_name": "M3 J9 Winchester",
        "lat": "51.06",
        "lon": "-1.29",
        "road": "M3",
        "direction": "nb",
    }


def _sighting(read_at: str, **kw: str) -> EdgeRow:
    (edge,) = _edges(_build(anpr.SOURCE, "anpr.csv", _read(read_at, **kw)), RelType.SIGHTED)
    return edge


def test_reads_on_one_local_day_share_a_sighting_key() -> None:
    morning = _sighting("2025-07-01T06:00:00")
    evening = _sighting("01/07/2025 22:10", vrm="AB12-CDE")
    next_day = _sighting("2025-07-02T06:00:00")
    assert morning.start == evening.start and morning.end == evening.end
    assert morning.key == evening.key == "2025-07-01"
    assert next_day.key == "2025-07-02" != morning.key
    assert morning.properties["day"] == dt.date(2025, 7, 1)
    assert morning.properties["times"] == ["2025-07-01T05:00:00+00:00"]
    assert morning.seen_at == dt.datetime(2025, 7, 1, 5, tzinfo=dt.UTC)
    assert "count" not in morning.properties


def test_a_late_utc_read_in_summer_time_belongs_to_the_next_local_day() -> None:
    summer = _sighting("2025-07-01T23:30:00Z")
    winter = _sighting("2025-01-01T23:30:00Z")
    assert summer.key == "2025-07-02"
    assert summer.properties["day"] == dt.date(2025, 7, 2)
    assert summer.properties["times"] == ["2025-07-01T23:30:00+00:00"]
    assert winter.key == "2025-01-01"


def test_a_read_gives_the_vehicle_and_the_camera() -> None:
    rows = _build(anpr.SOURCE, "anpr.csv", _read("2025-07-01T06:00:00"))
    lorry, camera = _nodes(rows)
    assert (lorry.label, lorry.key) == (Label.VEHICLE, "AB12CDE")
    assert lorry.properties["raw_vrm"] == ["ab12 cde"]
    assert (camera.label, camera.key) == (Label.LOCATION, "HMP-M3-J09")
    assert camera.properties["location_kind"] == "camera"
    assert (camera.properties["lat"], camera.properties["lon"]) == (51.06, -1.29)
    assert camera.sources == ("T1:anpr.csv",)


@pytest.mark.parametrize(
    ("column", "value"), [("lat", "91"), ("lon", "-180.5"), ("direction", "NE"), ("lat", "nan")]
)
def test_a_read_out_of_range_fails_on_its_field(column: str, value: str) -> None:
    raw = _read("2025-07-01T06:00:00") | {column: value}
    assert _validate(anpr.AnprRow, raw) == {column}


# Crossings ----------------------------------------------------------------------------------


def _booking(**values: str) -> dict[str, Any]:
    base = {
        "booking_ref": "BK1",
        "crossed_at": "2025-03-01T02:14:00",
        "dep_locode": "FR CQF",
        "arr_locode": "gbdvr",
    }
    return base | values


def test_an_unaccompanied_trailer_crossing_has_no_vehicle_or_person() -> None:
    rows = _build(crossings.SOURCE, "crossings.csv", _booking(trailer_id="c123 456"))
    labels = {node.label for node in _nodes(rows)}
    assert labels == {Label.CROSSING, Label.ROUTE, Label.PORT, Label.TRAILER}
    (crossed,) = _edges(rows, RelType.CROSSED)
    assert crossed.end.key == "C123456"
    assert {e.type for e in _edges(rows)} == {
        RelType.CROSSED,
        RelType.ON_ROUTE,
        RelType.FROM,
        RelType.TO,
    }


def test_a_full_booking_links_customer_driver_lorry_trailer_and_phone() -> None:
    raw = _booking(
        carrier="P&O Ferries",
        vrm="po23 uex",
        trailer_id="C376826",
        haulier_name="Swift Transport Limited",
        driver_name="Gary Jones",
        booking_phone="07502 874898",
        declared_load="general cargo",
        unit_type="POWERED",
    )
    rows = _build(crossings.SOURCE, "crossings.csv", raw)
    trip = _nodes(rows)[0]
    assert (trip.label, trip.key) == (Label.CROSSING, "BK1")
    assert trip.properties["crossed_at"] == dt.datetime(2025, 3, 1, 2, 14, tzinfo=dt.UTC)
    pairs = {(e.type, e.start.key, e.end.key) for e in _edges(rows)}
    firm, driver = "NAME:SWIFT TRANSPORT LTD|?", "GARY JONES|?NAME:SWIFT TRANSPORT LTD|?"
    assert {
        (RelType.ON_ROUTE, "BK1", "FRCQF-GBDVR"),
        (RelType.CROSSED, "BK1", "PO23UEX"),
        (RelType.CROSSED, "BK1", "C376826"),
        (RelType.CROSSED, "BK1", firm),
        (RelType.CROSSED, "BK1", driver),
        (RelType.CROSSED, "BK1", "+447502874898"),
        (RelType.OPERATES, firm, "PO23UEX"),
        (RelType.OPERATES, firm, "C376826"),
        (RelType.TOWED, "PO23UEX", "C376826"),
        (RelType.DROVE, driver, "PO23UEX"),
        (RelType.USES, firm, "+447502874898"),
    } <= pairs


def test_a_driver_without_a_haulier_is_scoped_by_the_booking() -> None:
    rows = _build(crossings.SOURCE, "crossings.csv", _booking(driver_name="Gary Jones"))
    (driver,) = [n for n in _nodes(rows) if n.label == Label.PERSON]
    assert driver.key == "GARY JONES|?BK1"


# Calls --------------------------------------------------------------------------------------


def _call(a: str, b: str) -> dict[str, Any]:
    return {
        "call_id": "C1",
        "from_number": a,
        "to_number": b,
        "started_at": "2025-03-01T02:14:00",
        "duration_s": "61",
        "kind": "call",
    }


def test_a_call_joins_two_phones_keyed_in_e164() -> None:
    rows = _build(calls.SOURCE, "calls.csv", _call("07700 900123", "+44 7700 900124"))
    assert [n.key for n in _nodes(rows)] == ["+447700900123", "+447700900124"]
    (called,) = _edges(rows)
    assert (called.type, called.start.key, called.end.key) == (
        RelType.CALLED,
        "+447700900123",
        "+447700900124",
    )
    assert called.key == ""
    assert called.sources == ("T1:calls.csv#2",)
    assert called.seen_at == dt.datetime(2025, 3, 1, 2, 14, tzinfo=dt.UTC)
    assert not {"count", "first_at", "last_at"} & set(called.properties)


def test_a_call_to_itself_gives_one_phone_and_no_relationship() -> None:
    rows = _build(calls.SOURCE, "calls.csv", _call("07700 900123", "+447700900123"))
    (handset,) = rows
    assert isinstance(handset, NodeRow) and handset.key == "+447700900123"
    assert handset.properties["raw_number"] == ["07700 900123", "+447700900123"]


# Subscribers --------------------------------------------------------------------------------


def test_a_name_without_dob_is_scoped_by_the_number() -> None:
    raw = {"number": "07700 900123", "person_name": "Anna Nowak", "source": "Vehicle stop"}
    rows = _build(subscribers.SOURCE, "subscribers.csv", raw)
    assert [n.key for n in _nodes(rows)] == ["+447700900123", "ANNA NOWAK|?+447700900123"]
    (uses,) = _edges(rows)
    assert uses.type == RelType.USES and uses.seen_at is None


def test_a_full_attribution_registers_the_person_at_the_address() -> None:
    raw = {
        "number": "0044 7434 633735",
        "person_name": "Gary Walker",
        "person_dob": "22/12/1972",
        "address": "240 London Road, Peterborough",
        "postcode": "pe1 5nz",
        "source": "Vehicle stop",
        "attributed_at": "2025-08-03",
    }
    rows = _build(subscribers.SOURCE, "subscribers.csv", raw)
    person = next(n for n in _nodes(rows) if n.label == Label.PERSON)
    home = next(n for n in _nodes(rows) if n.label == Label.ADDRESS)
    assert person.key == "GARY WALKER|1972-12-22"
    assert home.properties["postcode"] == "PE1 5NZ"
    types = {(e.type, e.start.key, e.end.key) for e in _edges(rows)}
    assert types == {
        (RelType.USES, person.key, "+447434633735"),
        (RelType.REGISTERED_AT, person.key, home.key),
    }
    midnight = dt.datetime(2025, 8, 3, tzinfo=dt.UTC)
    assert all(r.seen_at == midnight for r in rows if r is not home)


def test_an_address_without_a_person_is_not_registered_to_anyone() -> None:
    raw = {"number": "07700 900123", "postcode": "so14 3ql", "source": "Provider check"}
    rows = _build(subscribers.SOURCE, "subscribers.csv", raw)
    assert [n.label for n in _nodes(rows)] == [Label.PHONE, Label.ADDRESS]
    assert not _edges(rows)


def test_sources_load_in_the_documented_order() -> None:
    orders = {name: source.order for name, source in SOURCES.items()}
    assert orders == {"crossings.csv": 60, "anpr.csv": 80, "calls.csv": 90, "subscribers.csv": 100}
