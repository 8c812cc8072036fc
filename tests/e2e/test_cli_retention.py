"""``ocgmap review due`` and ``ocgmap erase``, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from ocgmap_cli import OCGMAP, ocgmap_env
from tiny_sources import DETECTIONS

pytestmark = pytest.mark.e2e


def run(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # A generous bound: it only stops a hung command, it is not a performance assertion.
    return subprocess.run(
        [OCGMAP, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_review_due_then_erase_a_load(tmp_path: Path) -> None:
    source = tmp_path / "detections.csv"
    source.write_text(DETECTIONS, encoding="utf-8")
    home = tmp_path / "home"
    env = {**ocgmap_env(home), "OCGMAP_USER": "J Smith", "OCGMAP_STORE": "embedded"}
    due_now = {**env, "OCGMAP_RETENTION_YEARS": "0"}
    loaded = run("load", str(source), "--json", env=due_now, cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    load_id = json.loads(loaded.stdout)["load_id"]

    listed = run("review", "due", "--json", env=env, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    [due] = json.loads(listed.stdout)
    assert (due["load_id"], due["files"], due["rows"], due["due"]) == (load_id, 1, 2, True)
    table = run("review", "due", env=env, cwd=tmp_path)
    assert load_id in table.stdout and "past their review date" in table.stdout

    refused = run("erase", "--load", load_id, "--justification", "done", env=env, cwd=tmp_path)
    assert refused.returncode == 1 and "--yes" in refused.stderr
    unknown = ("erase", "--load", "L-NOPE", "--justification", "done", "--yes")
    missing = run(*unknown, env=env, cwd=tmp_path)
    assert missing.returncode == 1 and "No load 'L-NOPE'" in missing.stderr

    why = "review: no longer needed for the investigation"
    erased = run("erase", "--load", load_id, "--justification", why, "--yes", env=env, cwd=tmp_path)
    assert erased.returncode == 0, erased.stderr
    assert f"load {load_id} erased from the embedded store" in erased.stdout
    status = run("db", "status", "--json", env=env, cwd=tmp_path)
    assert json.loads(status.stdout)["nodes"] == {}
    assert json.loads(run("review", "due", "--json", env=env, cwd=tmp_path).stdout) == []
    [every] = json.loads(run("review", "due", "--all", "--json", env=env, cwd=tmp_path).stdout)
    assert every["load_id"] == load_id and every["erased_at"] and not every["due"]

    lines = (home / "audit" / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    entry = json.loads(lines[-1])
    assert (entry["action"], entry["what"], entry["user"]) == ("erasure", "load", "J Smith")
    assert entry["objects"][0] == load_id and entry["justification"] == why
    assert entry["details"]["nodes_deleted"] > 0 and entry["details"]["repeat"] is False
    verified = run("audit", "verify", env=env, cwd=tmp_path)
    assert verified.returncode == 0, verified.stderr
