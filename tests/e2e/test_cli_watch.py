"""``ocgmap watch`` and ``ocgmap alerts``, run as a user runs them, on the embedded store."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import pytest
from ocgmap_cli import OCGMAP, ocgmap_env

from ocgmap.audit import audit_log

pytestmark = pytest.mark.e2e

DETECTIONS = [
    "detection_ref",
    "detected_at",
    "location_type",
    "port_locode",
    "vrm",
    "entrants_count",
    "reporting_agency",
]
CALLS = ["call_id", "from_number", "to_number", "started_at", "duration_s", "kind"]


def run(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # A generous bound: it only stops a hung command, it is not a performance assertion.
    return subprocess.run(
        [OCGMAP, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=600
    )


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def test_watch_a_lorry_hear_of_its_next_detection_mark_it_read_and_unwatch(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    env = ocgmap_env(home)

    def ocgmap(*args: str) -> subprocess.CompletedProcess[str]:
        done = run("--user", "sam", *args, env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        return done

    first, second = tmp_path / "first", tmp_path / "second"
    _csv(
        first / "detections.csv",
        DETECTIONS,
        [["BF-DET-1", "2025-03-01T02:00:00", "PORT", "GBDVR", "ZZ02BBB", "3", "Border Force"]],
    )
    _csv(
        second / "detections.csv",
        DETECTIONS,
        [["BF-DET-2", "2025-04-01T02:00:00", "PORT", "GBDVR", "zz02 bbb", "5", "Kent Police"]],
    )
    _csv(
        second / "calls.csv",
        CALLS,
        [["C1", "07700 900001", "07700 900002", "2025-04-01", "5", "CALL"]],
    )
    ocgmap("load", str(first))
    added = ocgmap("watch", "add", "vehicle", "zz02 bbb", "--reason", "seen at Dover")
    assert "sam watches Vehicle ZZ02BBB (2 hops)" in added.stdout
    [watch] = json.loads(ocgmap("watch", "list", "--json").stdout)
    assert (watch["target_key"], watch["reason"], watch["owner"]) == (
        "ZZ02BBB",
        "seen at Dover",
        "sam",
    )

    loaded = ocgmap("load", str(second))
    assert "new alerts for sam: 1 unread of 1" in loaded.stdout
    assert "New detection" in loaded.stdout and "detections.csv#2" in loaded.stdout

    shown = json.loads(ocgmap("alerts", "--json").stdout)
    [alert] = shown["alerts"]
    assert (alert["kind"], alert["subject_key"], alert["status"]) == ("event", "BF-DET-2", "unread")
    assert alert["evidence"][0].endswith(":detections.csv#2")
    assert alert["via"] == "Vehicle ZZ02BBB -INVOLVED- Detection BF-DET-2"
    assert shown["held_back"] == 0
    assert json.loads(ocgmap("alerts", "--kind", "calls", "--json").stdout)["alerts"] == []
    assert (
        json.loads(run("--user", "ana", "alerts", "--json", env=env, cwd=tmp_path).stdout)["alerts"]
        == []
    )  # alerts are their watcher's
    again = ocgmap("load", str(second))
    assert "new alerts" not in again.stdout

    assert "1 alert(s) marked read" in ocgmap("alerts", "read", "--all").stdout
    assert json.loads(ocgmap("alerts", "--unread", "--json").stdout)["alerts"] == []
    assert "A-" not in ocgmap("alerts", "--unread").stdout
    removed = ocgmap("watch", "remove", watch["key"])
    assert "removed with its alerts" in removed.stdout
    assert json.loads(ocgmap("alerts", "--json").stdout)["alerts"] == []
    consulted = [e for e in audit_log(home).entries() if e.what == "alerts"]
    assert {e.user for e in consulted} == {"sam"}  # ana saw none: nothing consulted
    assert {e.action for e in consulted} == {"consultation"}


def test_watch_and_alerts_errors_are_one_line(tmp_path: Path) -> None:
    env = ocgmap_env(tmp_path / "home")
    typo = run("watch", "add", "lorry", "ZZ02BBB", env=env, cwd=tmp_path)
    assert typo.returncode == 1 and "Cannot watch a 'lorry'" in typo.stderr
    gone = run("watch", "remove", "W-000000000000", env=env, cwd=tmp_path)
    assert gone.returncode == 1 and "No watch 'W-000000000000'" in gone.stderr
    unjustified = run("alerts", "--include-conditional", env=env, cwd=tmp_path)
    assert unjustified.returncode == 1 and "needs --why" in unjustified.stderr
    nothing = run("alerts", "read", env=env, cwd=tmp_path)
    assert nothing.returncode == 1 and "--all" in nothing.stderr
