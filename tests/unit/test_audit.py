"""The audit log: the hash chain, tamper detection, concurrent appends, disclosure rules."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ocgmap.audit import (
    GENESIS,
    Action,
    AuditLog,
    audit_log,
    canonical_json,
    entry_hash,
)
from ocgmap.errors import InputError


def _fill(path: Path, n: int = 5) -> AuditLog:
    log = AuditLog(path)
    for i in range(1, n + 1):
        log.append("J Smith", Action.COLLECTION, "load", [f"L{i}"], details={"rows": i})
    return log


@pytest.fixture
def log(tmp_path: Path) -> AuditLog:
    return _fill(tmp_path / "audit" / "audit.jsonl")


def _lines(log: AuditLog) -> list[str]:
    return log.path.read_text(encoding="utf-8").splitlines(keepends=True)


def _write(log: AuditLog, lines: list[str]) -> None:
    log.path.write_text("".join(lines), encoding="utf-8")


def test_entries_chain_from_the_genesis_hash(log: AuditLog) -> None:
    entries = log.entries()
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev == GENESIS
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.prev == before.hash
    for entry, line in zip(entries, _lines(log), strict=True):
        data = json.loads(line)
        assert entry.hash == entry_hash(data) and line == canonical_json(data) + "\n"
        assert entry.at.utcoffset() is not None and entry.at.utcoffset().total_seconds() == 0


def test_an_untouched_log_verifies(log: AuditLog, tmp_path: Path) -> None:
    result = log.verify()
    assert result.ok and result.entries == 5 and result.bad_line is None
    assert "5 entries" in result.message
    assert AuditLog(tmp_path / "none.jsonl").verify().entries == 0


def _edit_middle(lines: list[str]) -> list[str]:
    data = json.loads(lines[2])
    data["user"] = "Someone Else"
    return [*lines[:2], canonical_json(data) + "\n", *lines[3:]]


def _delete_middle(lines: list[str]) -> list[str]:
    return [*lines[:2], *lines[3:]]


def _swap(lines: list[str]) -> list[str]:
    return [*lines[:1], lines[2], lines[1], *lines[3:]]


def _truncate_last(lines: list[str]) -> list[str]:
    return [*lines[:-1], lines[-1][: len(lines[-1]) // 2]]


def _forge(lines: list[str]) -> list[str]:
    data = json.loads(lines[1])
    data.update(seq=3, what="export", prev="f" * 64)
    data["hash"] = entry_hash(data)
    return [*lines[:2], canonical_json(data) + "\n", *lines[2:]]


def _one_byte(lines: list[str]) -> list[str]:
    return [*lines[:3], lines[3].replace('"rows":4', '"rows":5'), *lines[4:]]


@pytest.mark.parametrize(
    ("tamper", "line", "why"),
    [
        (_edit_middle, 3, "line 3: hash does not match its content (edited)"),
        (_one_byte, 4, "line 4: hash does not match its content (edited)"),
        (_delete_middle, 3, "line 3: prev does not match line 2 (removed or reordered)"),
        (_swap, 2, "line 2: prev does not match line 1 (removed or reordered)"),
        (_truncate_last, 5, "line 5: not valid JSON"),
        (_forge, 3, "line 3: prev does not match line 2 (removed or reordered)"),
    ],
    ids=["edit", "one-byte", "delete", "swap", "truncate", "forged"],
)
def test_tampering_names_the_first_bad_line(
    log: AuditLog, tamper: Callable[[list[str]], list[str]], line: int, why: str
) -> None:
    _write(log, tamper(_lines(log)))
    result = log.verify()
    assert not result.ok and result.bad_line == line and result.reason == why
    assert result.entries == line - 1
    assert why in result.message


def test_a_forged_line_with_the_right_prev_but_a_skipped_seq_is_caught(log: AuditLog) -> None:
    lines = _lines(log)
    data = json.loads(lines[1])
    data.update(seq=9, prev=json.loads(lines[0])["hash"])
    data["hash"] = entry_hash(data)
    _write(log, [lines[0], canonical_json(data) + "\n"])
    assert log.verify().reason == "line 2: seq 9 after 1 (removed)"


def test_a_reformatted_line_is_caught(log: AuditLog) -> None:
    lines = _lines(log)
    lines[0] = json.dumps(json.loads(lines[0]), indent=None) + "\n"  # same content, spaces added
    _write(log, lines)
    assert log.verify().reason == "line 1: not in canonical form (edited)"


def test_nothing_is_chained_to_a_partial_last_line(log: AuditLog) -> None:
    _write(log, _truncate_last(_lines(log)))
    with pytest.raises(InputError, match="partial line"):
        log.append("J Smith", Action.COLLECTION, "load", ["L6"])


#: Appends 50 entries by one user (argv: path, user), as a separate Python process would.
_APPEND_MANY = """
import sys
from pathlib import Path
from ocgmap.audit import Action, AuditLog
log = AuditLog(Path(sys.argv[1]))
for i in range(50):
    log.append(sys.argv[2], Action.CONSULTATION, "view", [f"{sys.argv[2]}-{i}"])
"""


def test_two_processes_appending_never_fork_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    # fresh interpreters, not multiprocessing: a spawned child re-runs the parent's __main__,
    # which after the dashboard tests is the Streamlit app
    workers = [
        subprocess.Popen([sys.executable, "-c", _APPEND_MANY, str(path), who], cwd=tmp_path)
        for who in ("A", "B")
    ]
    assert [w.wait(timeout=120) for w in workers] == [0, 0]
    log = AuditLog(path)
    result = log.verify()
    assert result.ok and result.entries == 100, result.message
    users = [e.user for e in log.entries()]
    assert users.count("A") == 50 and users.count("B") == 50


@pytest.mark.parametrize(
    ("justification", "recipients", "missing"),
    [
        (None, ["NCA"], "a justification"),
        ("  ", ["NCA"], "a justification"),
        ("case 12/345", [], "a recipient"),
        ("case 12/345", [" "], "a recipient"),
        (None, [], "a justification and a recipient"),
    ],
)
def test_a_disclosure_needs_a_justification_and_a_recipient(
    tmp_path: Path, justification: str | None, recipients: list[str], missing: str
) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    with pytest.raises(InputError, match=f"A disclosure needs {missing} to be logged"):
        log.append("J Smith", "disclosure", "export", ["C-00012"], justification, recipients)
    assert not log.path.exists() or log.entries() == []
    entry = log.append("J Smith", "disclosure", "export", ["C-00012"], "case 12/345", ["NCA"])
    assert entry.recipients == ["NCA"] and entry.justification == "case 12/345"


def test_viewing_handling_code_c_needs_a_justification(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    with pytest.raises(InputError, match="handling code C"):
        log.append("J Smith", "consultation", "view", ["REF-1"], details={"handling_code": "C"})
    entry = log.append(
        "J Smith", "consultation", "view", ["REF-1"], "case 12/345", details={"handling_code": "C"}
    )
    assert entry.action is Action.CONSULTATION and log.verify().ok


def test_export_copies_a_sound_log_for_an_auditor(log: AuditLog, tmp_path: Path) -> None:
    entries = log.entries()
    out = log.export(tmp_path / "for-auditor")
    assert (out / "audit.jsonl").read_text("utf-8") == log.path.read_text("utf-8")
    with (out / "audit.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["hash"] for r in rows] == [e.hash for e in entries]
    assert rows[0]["objects"] == "L1" and json.loads(rows[0]["details"]) == {"rows": 1}
    later = log.export(tmp_path / "later", since=entries[3].at)
    assert len((later / "audit.jsonl").read_text("utf-8").splitlines()) == sum(
        1 for e in entries if e.at >= entries[3].at
    )


def test_export_refuses_a_broken_log(log: AuditLog, tmp_path: Path) -> None:
    _write(log, _swap(_lines(log)))
    with pytest.raises(InputError, match="line 2: prev does not match line 1"):
        log.export(tmp_path / "for-auditor")
    assert not (tmp_path / "for-auditor").exists()


def test_the_log_lives_under_ocgmap_home(tmp_path: Path) -> None:
    assert audit_log(tmp_path).path == tmp_path / "audit" / "audit.jsonl"
