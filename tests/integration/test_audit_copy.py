"""The audit log's copy in Neo4j: copied after each use, and what it shows the chain cannot."""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny_sources import DETECTIONS
from typer.testing import CliRunner

from ocgmap.audit import Action, AuditLog, audit_path
from ocgmap.audit_copy import compare, copy_new
from ocgmap.cli import app
from ocgmap.store import GraphStore
from ocgmap.store.embedded import EmbeddedStore
from ocgmap.store.neo4j import Neo4jStore

pytestmark = pytest.mark.neo4j


def _log(path: Path, users: tuple[str, ...] = ("ana", "sam", "ivy")) -> AuditLog:
    log = AuditLog(path)
    for user in users:
        log.append(user, Action.CONSULTATION, "cluster", ["C-00001"])
    return log


def test_new_entries_are_copied_once_and_outlive_a_wipe(
    neo4j_session_store: GraphStore, tmp_path: Path
) -> None:
    assert isinstance(neo4j_session_store, Neo4jStore)
    store = neo4j_session_store
    log = _log(tmp_path / "audit.jsonl")
    first = copy_new(log, store)
    assert first is not None and first.ok and first.copied == 3
    again = copy_new(log, store)
    assert again is not None and again.copied == 0
    log.append("adam", Action.ERASURE, "db wipe", ["neo4j"])
    store.wipe()
    assert store.counts().nodes == {} or sum(store.counts().nodes.values()) == 0
    check = compare(log, store)
    assert check.ok and check.copied == 1, check.message
    assert list(store.audit_hashes(str(log.path.resolve()))) == [1, 2, 3, 4]


def test_lines_cut_off_the_end_are_found(neo4j_session_store: GraphStore, tmp_path: Path) -> None:
    assert isinstance(neo4j_session_store, Neo4jStore)
    log = _log(tmp_path / "audit.jsonl")
    copy_new(log, neo4j_session_store)
    lines = log.path.read_text(encoding="utf-8").splitlines(keepends=True)
    log.path.write_text("".join(lines[:2]), encoding="utf-8")
    assert log.verify().ok  # the chain alone cannot tell
    check = compare(log, neo4j_session_store)
    assert not check.ok and "entries 3 to 3 are in the Neo4j copy but not in the file" in (
        check.message
    )
    quick = copy_new(log, neo4j_session_store)
    assert quick is not None and not quick.ok and "cut off" in quick.message


def test_a_rebuilt_chain_is_found(neo4j_session_store: GraphStore, tmp_path: Path) -> None:
    assert isinstance(neo4j_session_store, Neo4jStore)
    log = _log(tmp_path / "audit.jsonl")
    copy_new(log, neo4j_session_store)
    forged = _log(tmp_path / "forged.jsonl", users=("ana", "someone else", "ivy"))
    forged.path.replace(log.path)
    assert log.verify().ok  # a sound chain, written from scratch
    check = compare(log, neo4j_session_store)
    assert not check.ok and check.message.startswith("entry 1 differs from its Neo4j copy")


def test_the_embedded_store_keeps_no_copy(tmp_path: Path) -> None:
    assert copy_new(_log(tmp_path / "audit.jsonl"), EmbeddedStore(tmp_path / "g.json")) is None


def test_cli_commands_copy_and_verify_compares(
    neo4j_session_store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from servers import neo4j_test_settings

    uri, user, password = neo4j_test_settings()
    home = tmp_path / "home"
    for name, value in {
        "OCGMAP_HOME": str(home),
        "OCGMAP_STORE": "neo4j",
        "NEO4J_URI": uri,
        "NEO4J_USER": user,
        "NEO4J_PASSWORD": password,
        "OCGMAP_USER": "ana",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("OCGMAP_USERS_FILE", raising=False)
    (tmp_path / "detections.csv").write_text(DETECTIONS, encoding="utf-8")
    loaded = CliRunner().invoke(app, ["load", str(tmp_path / "detections.csv")])
    assert loaded.exit_code == 0, loaded.output
    assert isinstance(neo4j_session_store, Neo4jStore)
    copied = neo4j_session_store.audit_hashes(str(audit_path(home).resolve()))
    assert list(copied) == [1, 2]  # the load and its resolution, copied as the command closed
    verified = CliRunner().invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0 and "Neo4j copy agrees" in verified.output
    audit_path(home).write_text("", encoding="utf-8")  # the whole log emptied
    failed = CliRunner().invoke(app, ["audit", "verify"])
    assert failed.exit_code == 1 and "cut off the end" in failed.output
