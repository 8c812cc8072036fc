"""Acceptance suite of issue 8 (hardening): classic payloads and hypothesis text, on every store.

Payloads go through search (``ocgmap.lookup.find`` and the store's ``search``), mapping files
(``loaders.mapping.load_mapping``) and uploads (``loaders.uploads.save_uploads`` then
``loaders.pipeline.run``). After each: the graph changed only by the rows it rightfully loads
(compared with a load of those rows alone into an embedded store, which has no query
language to inject into), no file appeared outside ``OCGMAP_HOME``, and every failure was an
``OcgmapError`` with a message, never another exception.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tiny_sources import DETECTIONS

from loaders.mapping import ColumnMapping, load_mapping
from loaders.pipeline import LoadReport, run
from loaders.quarantine import read_quarantine
from loaders.uploads import save_uploads
from ocgmap.errors import OcgmapError, SchemaError
from ocgmap.lookup import find
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import NodeRef, NodeRow
from ocgmap.store import GraphFilter, GraphStore
from ocgmap.store.embedded import EmbeddedStore

T = TypeVar("T")

#: Classic injection payloads: Cypher, NoSQL, path traversal, formulas, markup, templates,
#: control and direction characters, very long text.
PAYLOADS: list[str] = [
    "' }) MATCH (n) DETACH DELETE n //",
    '"}) RETURN 1 //',
    "`}) MATCH (n) DETACH DELETE n //",
    "ZZ01AAA' OR '1'='1",
    "x' }) SET n.key = 'owned' //",
    "CALL dbms.security.listUsers()",
    "; DROP TABLE detections; --",
    "`",
    "$where",
    '{"$gt": ""}',
    "\u0000",
    "a\u0000b",
    "../../etc/passwd",
    "..\\..\\x",
    "/etc/passwd",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x","y")',
    "@SUM(1+1)",
    "+447700900001",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "${7*7}",
    "%s%n%x",
    "\u202egnp.exe",
    "\r\n\t",
    "ＺＺ０１ＡＡＡ",
    "🙂" * 40,
    "x" * 100_000,
    "",
]


def _user(call: Callable[..., T], *args: Any, **kwargs: Any) -> T | OcgmapError:
    """What a user meets: the result, or an OcgmapError with a message; anything else fails."""
    try:
        return call(*args, **kwargs)
    except OcgmapError as exc:
        assert str(exc).strip(), f"{type(exc).__name__} without a message"
        return exc
    except Exception as exc:  # noqa: BLE001 - the point: nothing else may escape
        pytest.fail(f"{type(exc).__name__} escaped from {call.__name__}: {exc!s:.300}")


def _state(store: GraphStore) -> tuple[Any, ...]:
    """Everything in the graph: node and relationship ids with all their properties."""
    graph = store.to_networkx()
    nodes = sorted((n, repr(sorted(d.items()))) for n, d in graph.nodes(data=True))
    edges = sorted(
        (u, v, k, repr(sorted(d.items()))) for u, v, k, d in graph.edges(keys=True, data=True)
    )
    return store.counts().nodes, store.counts().relationships, nodes, edges


def _shape(store: GraphStore) -> tuple[Any, ...]:
    """The graph's shape, comparable across stores and loads: ids and relationship keys."""
    graph = store.to_networkx()
    counts = store.counts()
    edges = Counter((u, v, k) for u, v, k in graph.edges(keys=True))
    return counts.nodes, counts.relationships, sorted(graph.nodes), edges


def _files(root: Path, leave_out: tuple[Path, ...] = ()) -> set[Path]:
    return {
        p
        for p in root.rglob("*")
        if p.is_file() and not any(p.is_relative_to(x) or p == x for x in leave_out)
    }


def _seed(store: GraphStore, home: Path) -> LoadReport:
    folder = home.parent / "seed"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "detections.csv").write_text(DETECTIONS, encoding="utf-8")
    return run([folder / "detections.csv"], store, home)


# -- (a) search ---------------------------------------------------------------------------------
def test_classic_payloads_through_search_change_nothing(store: GraphStore, tmp_path: Path) -> None:
    _seed(store, tmp_path / "home")
    before = _state(store)
    for payload in PAYLOADS:  # find reads the text as identifiers, then calls store.search
        hits = _user(find, store, payload)
        assert isinstance(hits, list), f"find({payload[:30]!r})"
        if payload.startswith(("'", '"', "`", "x'", "CALL", ";")):
            assert hits == []  # nothing is named like that
    assert _state(store) == before
    assert [n.key for n in find(store, "ZZ01 AAA")] == ["ZZ01AAA"]  # search still works


def test_any_typed_text_through_search_changes_nothing(store: GraphStore, tmp_path: Path) -> None:
    _seed(store, tmp_path / "home")
    before = _state(store)

    @settings(
        max_examples=30 if store.name == "embedded" else 8,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.text(max_size=200))
    def search(text: str) -> None:
        assert isinstance(_user(find, store, text), list)

    search()
    assert _state(store) == before


# -- (b) mapping files --------------------------------------------------------------------------
FORCE_CSV = (
    "Det Ref,Date/Time,Where,Port,Reg No,People,Agency,Remarks\n"
    "TVP-1,2025-03-01T02:14:00,PORT,GBDVR,ab12 cde,3,Thames Valley Police,first\n"
    "TVP-2,2025-03-02T02:14:00,PORT,GBDVR,ab12 cde,2,Thames Valley Police,second\n"
)
FORCE_COLUMNS = {
    "Det Ref": "detection_ref",
    "Date/Time": "detected_at",
    "Where": "location_type",
    "Port": "port_locode",
    "Reg No": "vrm",
    "People": "entrants_count",
    "Agency": "reporting_agency",
}


def _mapping_file(folder: Path, data: Any, name: str = "map.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _load_with(store: GraphStore, home: Path, mapping: ColumnMapping) -> LoadReport:
    source = home.parent / "force" / "tvp_export.csv"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(FORCE_CSV, encoding="utf-8")
    report = _user(run, [source], store, home, source="detections", mapping=mapping)
    assert isinstance(report, LoadReport)
    return report


def test_payloads_in_a_mapping_file_load_what_the_clean_mapping_loads(
    store: GraphStore, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    hostile = {
        "source": "detections",
        "columns": {
            **FORCE_COLUMNS,
            "Remarks": PAYLOADS[0],  # an extra column named like an injection: kept aside
            **{p: "notes" for p in PAYLOADS if p},  # no such column: nothing renamed
        },
        "constants": {**{f"{p}": p for p in PAYLOADS if p}, "notes": PAYLOADS[0]},
    }
    mapping = _user(load_mapping, _mapping_file(tmp_path, hostile))
    assert isinstance(mapping, ColumnMapping)
    report = _load_with(store, home, mapping)
    assert [(f.loaded, f.quarantined, f.error) for f in report.files] == [(2, 0, None)]

    clean = ColumnMapping(source="detections", columns=FORCE_COLUMNS)
    oracle = EmbeddedStore(tmp_path / "oracle" / "graph.json")
    _load_with(oracle, tmp_path / "oracle" / "home", clean)
    assert _shape(store) == _shape(oracle)
    detection = store.get(Label.DETECTION, "TVP-1")
    assert detection is not None and detection.properties.get("notes") == PAYLOADS[0]  # data


@pytest.mark.parametrize(
    "data",
    [
        {"source": PAYLOADS[0]},
        {"source": "detections", "columns": {"Reg No": ["vrm", PAYLOADS[1]]}},
        {"source": "detections", "constants": {"notes": {"$where": PAYLOADS[0]}}},
        {"source": "detections", "constants": {"notes": [PAYLOADS[0]] * 3}},
        {"source": "detections", PAYLOADS[0]: "x"},
        [PAYLOADS[0]],
        PAYLOADS[0],
    ],
    ids=["source", "column-list", "constant-map", "constant-list", "extra-key", "list", "text"],
)
def test_hostile_mapping_files_are_refused_before_any_load(tmp_path: Path, data: Any) -> None:
    refused = _user(load_mapping, _mapping_file(tmp_path, data))
    assert isinstance(refused, OcgmapError)  # so the dashboard and the CLI stop before loading


@settings(max_examples=30, deadline=None)
@given(
    columns=st.dictionaries(st.text(max_size=40), st.text(max_size=40), max_size=5),
    constants=st.dictionaries(
        st.text(max_size=40),
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
        max_size=5,
    ),
    source=st.sampled_from(["detections", "calls"]) | st.text(max_size=20),
)
def test_any_mapping_file_is_a_mapping_or_one_clear_error(
    columns: dict[str, str], constants: dict[str, Any], source: str
) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        data = {"source": source, "columns": columns, "constants": constants}
        mapping = _user(load_mapping, _mapping_file(Path(folder), data))
        if isinstance(mapping, ColumnMapping):
            record = {k.strip().lower(): "v" for k in [*FORCE_COLUMNS, *columns]}
            assert isinstance(_user(mapping.apply, record), dict)


# -- (c) uploads ----------------------------------------------------------------------------------
HEADER = DETECTIONS.splitlines()[0].split(",")


def _hostile_detections() -> bytes:
    """The tiny detections file, then one row per payload in identifier and text columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(csv.reader(io.StringIO(DETECTIONS.split("\n", 1)[1])))
    for n, payload in enumerate(p for p in PAYLOADS if "\0" not in p):
        row = dict(
            zip(HEADER, next(csv.reader(io.StringIO(DETECTIONS.splitlines()[1]))), strict=True)
        )
        row.update(detection_ref=f"H-{n}", reporting_agency=payload or "BF", driver_name=payload)
        if n % 3 == 0:
            row["vrm"] = payload
        if n % 3 == 1:
            row["driver_phone"] = payload
        if n % 3 == 2:
            row["detection_ref"] = payload
        writer.writerow([row[h] for h in HEADER])
    return out.getvalue().encode("utf-8")


def _valid_rows(data: bytes, report: LoadReport) -> bytes:
    """The rows of ``data`` the load kept (not quarantined), under the same header."""
    [entry] = report.files
    quarantined = (
        {r.row for r in read_quarantine(Path(entry.quarantine_file))}
        if entry.quarantine_file
        else set()
    )
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0])
    writer.writerows(r for n, r in enumerate(rows[1:], start=2) if n not in quarantined)
    return out.getvalue().encode("utf-8")


def test_hostile_upload_names_write_only_under_the_uploads_folder(tmp_path: Path) -> None:
    home = tmp_path / "inside" / "home"
    around = tmp_path.parent
    names_before = {p.name for p in around.iterdir()}
    escape = around / "escaped-detections.csv"
    names = [
        *(f"{p}detections.csv" for p in PAYLOADS if p and len(p) < 1000),
        "../../../detections.csv",
        str(escape),
        "detections.csv/../../x.csv",
        "\\\\server\\share\\detections.csv",
    ]
    for number, name in enumerate(names):
        saved = _user(save_uploads, [(name, DETECTIONS.encode())], home)
        if isinstance(saved, OcgmapError):
            continue  # a name with nothing usable in it is refused, with a message
        root = (home / "uploads").resolve()
        assert all(p.resolve().is_relative_to(root) for p in saved.files), name
        assert saved.originals[saved.files[0].name] == name
        store = EmbeddedStore(home / f"graph-{number}.json")
        assert isinstance(_user(run, [saved.folder], store, home), LoadReport)
    assert _files(tmp_path, leave_out=(home,)) == set()
    assert {p.name for p in around.iterdir()} == names_before and not escape.exists()


def test_hostile_upload_contents_load_only_their_valid_rows(
    store: GraphStore, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    _seed(store, home)
    seeded = _shape(store)
    outside_before = _files(tmp_path, leave_out=(home, tmp_path / "graph.json"))
    data = _hostile_detections()
    upload = _user(save_uploads, [("../detections.csv", data)], home)
    assert not isinstance(upload, OcgmapError)
    report = _user(run, [upload.folder], store, home)
    assert isinstance(report, LoadReport)
    [entry] = report.files
    assert entry.error is None and entry.loaded >= 2 and entry.quarantined >= 1

    oracle = EmbeddedStore(tmp_path / "oracle" / "graph.json")
    _seed(oracle, tmp_path / "oracle" / "home")
    assert _shape(oracle) == seeded
    valid = tmp_path / "oracle" / "valid" / "detections.csv"
    valid.parent.mkdir(parents=True)
    valid.write_bytes(_valid_rows(data, report))
    again = run([valid], oracle, tmp_path / "oracle" / "home")
    assert again.files[0].quarantined == 0 and again.files[0].loaded == entry.loaded
    assert _shape(store) == _shape(oracle)
    seeded_nodes = set(seeded[2])
    assert seeded_nodes <= set(_shape(store)[2])  # nothing loaded before was deleted
    left = _files(tmp_path, leave_out=(home, tmp_path / "graph.json", tmp_path / "oracle"))
    assert left == outside_before


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("detections.csv", DETECTIONS.encode().replace(b"D-1", b"D-\x001"), "NUL bytes"),
        ("detections.csv", DETECTIONS.replace("Jan", "Jén").encode("latin-1"), "not UTF-8"),
        ("detections.xlsx", DETECTIONS.encode(), "not a readable XLSX"),
        ("detections.csv", b"PK\x03\x04" + bytes(30), "not text"),
        ("detections.exe", DETECTIONS.encode(), "must be one of"),
        ("detections.csv", DETECTIONS.encode() * 20_000, "at most 1 MB"),
        ("../..", DETECTIONS.encode(), "no usable characters"),
    ],
)
def test_refused_uploads_write_nothing_and_say_why(
    tmp_path: Path, name: str, data: bytes, why: str
) -> None:
    home = tmp_path / "home"
    refused = _user(save_uploads, [(name, data)], home, max_file_mb=1)
    assert isinstance(refused, OcgmapError) and why in str(refused)
    assert _files(tmp_path) == set()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.text(max_size=60),
    cells=st.lists(st.text(max_size=30), min_size=len(HEADER), max_size=len(HEADER)),
)
def test_any_upload_is_saved_under_home_or_refused(
    tmp_path: Path, name: str, cells: list[str]
) -> None:
    import tempfile

    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
        home = Path(folder) / "home"
        out = io.StringIO()
        csv.writer(out).writerows([HEADER, cells])
        saved = _user(save_uploads, [(f"detections{name}.csv", out.getvalue().encode())], home)
        if isinstance(saved, OcgmapError):
            assert not (home / "uploads").exists() or not _files(home / "uploads")
        else:
            store = EmbeddedStore(home / "graph.json")
            _user(run, [saved.folder], store, home)
        assert _files(Path(folder), leave_out=(home,)) == set()


# -- (d) labels and types only from the schema ---------------------------------------------------
BAD_LABEL = "Vehicle`) DETACH DELETE (n"
BAD_TYPE = "DROVE]->() DETACH DELETE (n"
#: How a store refuses a name that is not a schema enum before anything reaches the graph:
#: SchemaError from the query builders, or the lookup (KeyError, pydantic's ValueError) that
#: validates it. None of these calls is open to users: labels in a search come from the enums.
REFUSED = (SchemaError, KeyError, ValueError, AttributeError)


def test_the_stores_refuse_labels_and_types_outside_the_schema(
    store: GraphStore, tmp_path: Path
) -> None:
    _seed(store, tmp_path / "home")
    before = _state(store)
    row = NodeRow(label=Label.VEHICLE, key="AB12CDE", sources=["L:x.csv#2"])
    calls: list[Callable[[], object]] = [
        lambda: store.upsert_nodes(BAD_LABEL, [row]),  # type: ignore[arg-type]
        lambda: store.upsert_edges(BAD_TYPE, []),  # type: ignore[arg-type]
        lambda: store.get(BAD_LABEL, "ZZ01AAA"),  # type: ignore[arg-type]
        lambda: store.neighbourhood([NodeRef(label=BAD_LABEL, key="ZZ01AAA")]),  # type: ignore[arg-type]
        lambda: store.to_networkx(GraphFilter(labels=frozenset({BAD_LABEL}))),  # type: ignore[arg-type]
        lambda: store.to_networkx(GraphFilter(types=frozenset({BAD_TYPE}))),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(REFUSED):
            call()
    try:
        hits = store.search("ZZ01", [BAD_LABEL])  # type: ignore[list-item]
    except REFUSED:
        hits = []
    assert hits == []
    assert _state(store) == before
    assert store.get(Label.VEHICLE, "ZZ01AAA") is not None
    assert RelType.DROVE.value in before[1]
