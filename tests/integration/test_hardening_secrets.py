"""Secrets are never shown: not in settings' reprs, errors, output, logs, audit or reports."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

import pytest
from servers import neo4j_test_settings
from tiny_sources import DETECTIONS
from typer.testing import CliRunner

from ocgmap.cli import app
from ocgmap.config import Settings
from ocgmap.errors import StoreUnavailable
from ocgmap.store import open_store

CANARY = "Canary-Pa55word-7f3e"
#: Wrong passwords are tried as users that do not exist: Neo4j locks a user for a few seconds
#: after three failed logins, which would stop the other tests' logins as neo4j.
NO_SUCH_USER = f"ocgmap-no-such-user-{secrets.token_hex(4)}"


def _text_under(folder: Path) -> str:
    return "\n".join(
        p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file()
    )


def test_settings_never_show_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_PASSWORD", CANARY)
    settings = Settings()
    assert settings.neo4j_password.get_secret_value() == CANARY
    for shown in (repr(settings), str(settings), settings.model_dump_json(), f"{settings!r}"):
        assert CANARY not in shown
    assert CANARY not in repr(settings.model_dump())


def test_an_unreachable_server_error_does_not_show_the_password() -> None:
    settings = Settings(neo4j_uri="bolt://127.0.0.1:1", neo4j_password=CANARY, ocgmap_store=None)
    with pytest.raises(StoreUnavailable) as caught:
        open_store(settings)
    assert "bolt://127.0.0.1:1" in str(caught.value) and CANARY not in str(caught.value)


@pytest.mark.neo4j
def test_a_refused_password_is_not_repeated_in_the_error(caplog: pytest.LogCaptureFixture) -> None:
    uri, _, _ = neo4j_test_settings()
    caplog.set_level(logging.DEBUG)
    settings = Settings(
        neo4j_uri=uri, neo4j_user=f"{NO_SUCH_USER}-1", neo4j_password=CANARY, ocgmap_store=None
    )
    with pytest.raises(StoreUnavailable, match="refused the credentials") as caught:
        open_store(settings)
    assert CANARY not in str(caught.value)
    assert CANARY not in caplog.text  # the driver's own debug logging included


def test_a_password_written_into_the_uri_is_not_shown() -> None:
    settings = Settings(neo4j_uri=f"bolt://neo4j:{CANARY}@127.0.0.1:1", ocgmap_store=None)
    with pytest.raises(StoreUnavailable) as caught:
        open_store(settings)
    assert CANARY not in str(caught.value)


def test_a_load_and_analysis_leave_the_password_nowhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    home = tmp_path / "home"
    source = tmp_path / "in" / "detections.csv"
    source.parent.mkdir()
    source.write_text(DETECTIONS, encoding="utf-8")
    env = {"NEO4J_PASSWORD": CANARY, "OCGMAP_HOME": str(home), "NEO4J_URI": ""}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    caplog.set_level(logging.DEBUG)
    runner = CliRunner()
    outputs = []
    for args in (
        ["load", str(source), "--store", "embedded"],
        ["analyse", "--store", "embedded", "--out", str(home / "results.json")],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    assert (home / "audit" / "audit.jsonl").exists() and list((home / "loads").iterdir())
    assert CANARY not in _text_under(home)
    assert CANARY not in "\n".join(outputs) and CANARY not in caplog.text


@pytest.mark.neo4j
def test_the_cli_refused_by_neo4j_does_not_show_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uri, _, _ = neo4j_test_settings()
    source = tmp_path / "detections.csv"
    source.write_text(DETECTIONS, encoding="utf-8")
    for name, value in {
        "NEO4J_URI": uri,
        "NEO4J_USER": f"{NO_SUCH_USER}-2",
        "NEO4J_PASSWORD": CANARY,
        "OCGMAP_HOME": str(tmp_path / "home"),
    }.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["load", str(source), "--store", "neo4j"])
    assert result.exit_code != 0
    shown = f"{result.output}\n{result.exception}"
    assert "refused the credentials" in shown and CANARY not in shown
    assert CANARY not in _text_under(tmp_path / "home") if (tmp_path / "home").exists() else True
