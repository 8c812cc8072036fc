"""What the dashboard shows without a justification: intelligence with conditions held back."""

from __future__ import annotations

from pathlib import Path

import export_world

from ocgmap.handling import conditional_view
from ocgmap.network import element_id
from ocgmap.store.embedded import EmbeddedStore


def test_conditional_referrals_and_what_only_they_say_are_held_back(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "graph.json")
    export_world.seed(store)
    around = store.neighbourhood([export_world.LORRY, export_world.DRIVER], hops=2, limit=500)
    ids = {element_id(n.ref) for n in around.nodes}
    secret = {element_id(export_world.REFERRAL_C), element_id(export_world.PERSON_C)}
    assert secret <= ids  # the full view has them

    visible, held = conditional_view(around)

    assert held == 1
    shown = {element_id(n.ref) for n in visible.nodes}
    assert shown == ids - secret  # the lorry stays: other rows support it
    assert element_id(export_world.LORRY) in shown
    assert all(element_id(e.start) in shown and element_id(e.end) in shown for e in visible.edges)
    assert all(export_world.SECRET_ROW not in e.sources for e in visible.edges)
    assert len(visible.edges) == len(around.edges) - 2  # the two CONCERNS of REF-C-9


def test_a_view_without_conditional_intelligence_is_unchanged(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "graph.json")
    export_world.seed(store)
    around = store.neighbourhood([export_world.FIRM], hops=1, limit=500)
    visible, held = conditional_view(around)
    assert held == 0 and visible == around
