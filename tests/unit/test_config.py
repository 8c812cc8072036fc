"""Settings come from the environment; NEO4J_URI chooses the store unless overridden."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocgmap.config import Settings


def test_embedded_without_uri(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("NEO4J_URI", "OCGMAP_STORE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OCGMAP_HOME", str(tmp_path / "home"))
    settings = Settings()
    assert settings.store_kind == "embedded"
    assert settings.home == tmp_path / "home"


def test_neo4j_when_uri_is_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OCGMAP_STORE", raising=False)
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:7687")
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-pass")
    settings = Settings()
    assert settings.store_kind == "neo4j"
    assert settings.neo4j_password.get_secret_value() == "s3cret-pass"
    assert "s3cret-pass" not in repr(settings)
    monkeypatch.setenv("OCGMAP_STORE", "embedded")
    assert Settings().store_kind == "embedded"


def test_dotenv_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    (tmp_path / ".env").write_text("NEO4J_URI=neo4j://db.example:7687\nNEO4J_DATABASE=oic\n")
    settings = Settings()
    assert (settings.neo4j_uri, settings.neo4j_database) == ("neo4j://db.example:7687", "oic")
