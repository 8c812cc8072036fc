"""Watchlists and the alerts a load raises, on every store kind, on a tiny hand-made graph.

The tiny world (:mod:`world`) is written as load ``L1``; each test writes what a second load
``L2`` adds and raises that load's alerts.
"""

from __future__ import annotations

import datetime as dt

import pytest
import world as w

from ocgmap.alerts import mark_read, raise_load_alerts, read_alerts
from ocgmap.errors import InputError
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import EdgeRow, Grading, NodeRef, NodeRow
from ocgmap.store import GraphStore
from ocgmap.watch import add_watch, list_watches, remove_watch

T0 = dt.datetime(2026, 3, 12, 9, 30, tzinfo=dt.UTC)
PORT = w.ref("Port", "GBDVR")


def _node(label: str, key: str, row: int, **props: object) -> NodeRow:
    return NodeRow(label=Label(label), key=key, properties=props, sources=[f"L2:n.csv#{row}"])


def _edge(type: str, a: NodeRef, b: NodeRef, row: int, **props: object) -> EdgeRow:
    return EdgeRow(
        type=RelType(type), start=a, end=b, properties=props, sources=[f"L2:n.csv#{row}"]
    )


@pytest.fixture
def tiny(store: GraphStore) -> GraphStore:
    w.load(store)
    return store


def _second_load(store: GraphStore, nodes: list[NodeRow], edges: list[EdgeRow]) -> list[str]:
    w.load(store, nodes, edges)
    return [a.key for a in raise_load_alerts(store, "load-2", ["L2"], earlier=["L1"], now=T0)]


def _by_kind(store: GraphStore, owner: str = "ana") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for alert in read_alerts(store, owner=owner):
        out.setdefault(alert.kind, []).append(alert.subject_key)
    return {k: sorted(v) for k, v in out.items()}


def test_a_new_detection_a_new_call_and_a_new_phone_near_a_watched_lorry(
    tiny: GraphStore,
) -> None:
    add_watch(tiny, "ana", "vehicle", "zz02 bbb", reason="seen at Dover", now=T0)
    new_phone = w.ref("Phone", "+447700900003")
    detection = w.ref("Detection", "DET-2")
    raised = _second_load(
        tiny,
        [
            _node("Detection", detection.key, 1, entrants_count=6),
            _node("Phone", new_phone.key, 2),
        ],
        [
            _edge("INVOLVED", detection, w.LORRY, 3),
            _edge("CALLED", w.PHONE, new_phone, 4, count=1),  # the driver's phone
            _edge("CALLED", w.PHONE, w.OTHER_PHONE, 5),  # one more call on a known link
        ],
    )
    kinds = _by_kind(tiny)
    assert kinds["event"] == ["DET-2"]
    assert kinds["entity"] == [new_phone.key]
    assert len(kinds["calls"]) == 2  # the new phone's call and the known link's new call
    assert len(raised) == 4
    alerts = {a.kind + a.subject_key: a for a in read_alerts(tiny, owner="ana")}
    event = alerts["eventDET-2"]
    assert event.evidence == ["L2:n.csv#1"]
    assert event.via == f"Vehicle {w.LORRY.key} -INVOLVED- Detection DET-2"
    assert event.distance == 1 and event.unread and event.origin == "load-2"
    assert "6 entrants" in event.summary
    phone = alerts["entity" + new_phone.key]
    assert phone.evidence == ["L2:n.csv#2", "L2:n.csv#4"]
    assert phone.distance == 3  # one step beyond the watch's 2 hops: linked from within them
    assert "JAN TESTOWY" in phone.via and "not seen before" in phone.summary
    known_link = next(a for a in alerts.values() if a.kind == "calls" and "900002" in a.summary)
    assert known_link.evidence == ["L2:n.csv#5"]  # only the new call, not the old one


def test_the_same_news_raises_no_second_alert_and_read_stays_read(tiny: GraphStore) -> None:
    add_watch(tiny, "ana", "vehicle", w.LORRY.key, now=T0)
    detection = w.ref("Detection", "DET-2")
    first = _second_load(
        tiny, [_node("Detection", detection.key, 1)], [_edge("INVOLVED", detection, w.LORRY, 2)]
    )
    assert len(first) == 1
    assert mark_read(tiny, first, "ana", now=T0) == 1
    again = raise_load_alerts(tiny, "load-3", ["L2"], earlier=["L1"], now=T0)
    assert again == []
    assert raise_load_alerts(tiny, "load-4", ["L2"], earlier=["L1", "L2"]) == []
    [alert] = read_alerts(tiny)
    assert (alert.status, alert.read_by, alert.read_at) == ("read", "ana", T0)
    assert read_alerts(tiny, unread_only=True) == []


def test_a_port_glues_nothing_and_old_data_is_no_news(tiny: GraphStore) -> None:
    """A detection of another lorry at the same port is not news about the watched one."""
    add_watch(tiny, "ana", "vehicle", w.LORRY.key, hops=2, now=T0)
    add_watch(tiny, "sam", "vehicle", "ZZ03CCC", now=T0)
    other = w.ref("Vehicle", "ZZ03CCC")
    detection = w.ref("Detection", "DET-3")
    w.load(
        tiny,
        [NodeRow(label=Label.PORT, key=PORT.key, sources=["L1:w.csv#40"])],
        [EdgeRow(type=RelType.AT, start=w.DETECTION, end=PORT, sources=["L1:w.csv#41"])],
    )
    raised = _second_load(
        tiny,
        [_node("Vehicle", other.key, 1), _node("Detection", detection.key, 2)],
        [_edge("INVOLVED", detection, other, 3), _edge("AT", detection, PORT, 4)],
    )
    assert len(raised) == 2  # the watched lorry's first appearance, and its detection
    assert _by_kind(tiny, "sam") == {"entity": ["ZZ03CCC"], "event": ["DET-3"]}
    assert _by_kind(tiny, "ana") == {}


def test_a_new_link_between_known_entities_and_a_watch_before_any_data(
    tiny: GraphStore,
) -> None:
    add_watch(tiny, "ana", "vehicle", w.VAN.key, hops=1, now=T0)
    add_watch(tiny, "ana", "vehicle", "ZZ77 NEW", now=T0)  # nothing knows it yet
    newcomer = w.ref("Vehicle", "ZZ77NEW")
    detection = w.ref("Detection", "DET-4")
    _second_load(
        tiny,
        [_node("Vehicle", newcomer.key, 1), _node("Detection", detection.key, 2)],
        [_edge("DROVE", w.BROKER, w.VAN, 3), _edge("INVOLVED", detection, newcomer, 4)],
    )
    kinds = _by_kind(tiny)
    assert kinds["event"] == ["DET-4"]
    [link] = [a for a in read_alerts(tiny) if a.kind == "link"]
    assert link.subject_label == "DROVE"
    assert link.summary == f"New link: Person ALEX EXAMPLE DROVE Vehicle {w.VAN.key}"
    assert link.evidence == ["L2:n.csv#3"]


def test_intelligence_with_handling_conditions_makes_a_conditional_alert(
    tiny: GraphStore,
) -> None:
    add_watch(tiny, "ana", "person", f"Alex Example|{w.BROKER.key.split('|')[1]}", hops=1)
    grading = {
        code: Grading(source_evaluation="2", intel_assessment="B", handling_code=code)
        for code in ("P", "C")
    }
    rows = [
        NodeRow(
            label=Label.REFERRAL,
            key=f"REF-{code}",
            sources=[f"L2:n.csv#{i}"],
            grading=grading[code],
        )
        for i, code in enumerate("PC", start=1)
    ]
    edges = [
        EdgeRow(
            type=RelType.CONCERNS,
            start=w.ref("Referral", f"REF-{code}"),
            end=w.BROKER,
            sources=[f"L2:n.csv#{i}"],
            grading=grading[code],
        )
        for i, code in enumerate("PC", start=3)
    ]
    _second_load(tiny, rows, edges)
    handling = {a.subject_key: a.handling for a in read_alerts(tiny) if a.kind == "event"}
    assert handling == {"REF-P": "open", "REF-C": "conditional"}


def test_an_ocg_watch_starts_from_its_members(tiny: GraphStore) -> None:
    ocg = w.ref("OCG", "OCG-00042")
    w.load(
        tiny,
        [NodeRow(label=Label.OCG, key=ocg.key, properties={"band": "3C"}, sources=["L1:o#1"])],
        [EdgeRow(type=RelType.MEMBER_OF, start=w.DRIVER, end=ocg, sources=["L1:o#2"])],
    )
    add_watch(tiny, "sam", "ocg", ocg.key, hops=1, now=T0)
    detection = w.ref("Detection", "DET-5")
    _second_load(
        tiny, [_node("Detection", detection.key, 1)], [_edge("INVOLVED", detection, w.DRIVER, 2)]
    )
    [alert] = read_alerts(tiny, owner="sam")
    assert (alert.kind, alert.subject_key, alert.distance) == ("event", "DET-5", 1)


def test_watches_are_per_user_and_removing_one_removes_its_alerts(tiny: GraphStore) -> None:
    mine = add_watch(tiny, "ana", "vehicle", w.LORRY.key, reason="first", now=T0)
    again = add_watch(tiny, "ana", "vehicle", "zz02bbb", reason="second", hops=3)
    assert again.key == mine.key and again.created_at == T0  # one watch, updated
    theirs = add_watch(tiny, "sam", "vehicle", w.LORRY.key)
    assert [x.reason for x in list_watches(tiny, "ana")] == ["second"]
    assert {x.owner for x in list_watches(tiny)} == {"ana", "sam"}
    detection = w.ref("Detection", "DET-2")
    _second_load(
        tiny, [_node("Detection", detection.key, 1)], [_edge("INVOLVED", detection, w.LORRY, 2)]
    )
    assert {a.owner for a in read_alerts(tiny)} == {"ana", "sam"}
    with pytest.raises(InputError, match="belongs to sam"):
        remove_watch(tiny, theirs.key, "ana")
    assert remove_watch(tiny, mine.key, "ana")
    assert {a.owner for a in read_alerts(tiny)} == {"sam"}
    assert [x.owner for x in list_watches(tiny)] == ["sam"]
    assert tiny.get(Label.VEHICLE, w.LORRY.key) is not None  # the data stays
    assert not remove_watch(tiny, mine.key, "ana")


def test_a_cluster_must_exist_and_a_typo_is_named(tiny: GraphStore) -> None:
    with pytest.raises(InputError, match="Cluster 'C-00999' is not in the"):
        add_watch(tiny, "ana", "cluster", "c-00999")
    with pytest.raises(InputError, match="Cannot watch a 'lorry'"):
        add_watch(tiny, "ana", "lorry", "ZZ02BBB")
    with pytest.raises(InputError, match="Cannot watch Phone"):
        add_watch(tiny, "ana", "phone", "not a number")
    assert list_watches(tiny) == []
