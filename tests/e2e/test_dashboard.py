"""The dashboard renders headlessly against a real (embedded) store."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ocgmap.dashboard import app_path
from ocgmap.schema.labels import Label
from ocgmap.schema.models import NodeRow
from ocgmap.store.embedded import EmbeddedStore

pytestmark = pytest.mark.e2e


def test_store_page_shows_counts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = EmbeddedStore(home / "graph.json")
    store.upsert_nodes(
        Label.PHONE,
        [
            NodeRow(label=Label.PHONE, key=f"+4477009000{i:02d}", sources=[f"L:c.csv#{i}"])
            for i in range(3)
        ],
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.delenv("OCGMAP_STORE", raising=False)
    monkeypatch.setenv("OCGMAP_HOME", str(home))
    app = AppTest.from_file(app_path(), default_timeout=60).run()
    assert not app.exception
    assert [m.value for m in app.metric] == ["3", "0"]
    assert app.subheader[0].value == "embedded store"
