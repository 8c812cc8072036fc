"""Finding entities by identifiers as people type them, on every store kind."""

from __future__ import annotations

from ocgmap.lookup import find
from ocgmap.schema.labels import Label
from ocgmap.schema.models import NodeRow
from ocgmap.store import GraphStore


def _seed(store: GraphStore) -> None:
    token = ["L:lookup.csv#2"]
    store.upsert_nodes(Label.VEHICLE, [NodeRow(label=Label.VEHICLE, key="AB12CDE", sources=token)])
    store.upsert_nodes(
        Label.PHONE, [NodeRow(label=Label.PHONE, key="+447700900123", sources=token)]
    )
    store.upsert_nodes(
        Label.HAULIER,
        [
            NodeRow(
                label=Label.HAULIER,
                key="CH:01234567",
                properties={"name": "ACME HAULAGE LTD"},
                sources=token,
            )
        ],
    )


def test_identifiers_typed_as_people_type_them_find_their_node(store: GraphStore) -> None:
    _seed(store)
    assert [n.key for n in find(store, "ab12 cde")] == ["AB12CDE"]
    assert [n.key for n in find(store, "07700 900123")][:1] == ["+447700900123"]
    assert [n.key for n in find(store, "1234567")][:1] == ["CH:01234567"]
    assert [n.key for n in find(store, "acme haulage")] == ["CH:01234567"]
    assert find(store, "   ") == []
    assert find(store, "no such thing") == []
