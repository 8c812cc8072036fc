"""``ocgmap audit``, run as a user runs it: a log written by load and analyse, then tampered."""

from __future__ import annotations

import json
import shutil
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


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """An OCGMAP_HOME whose audit log holds one load and one analysis by J Smith."""
    base = tmp_path_factory.mktemp("audit")
    folder = base / "sources"
    folder.mkdir()
    (folder / "detections.csv").write_text(DETECTIONS, encoding="utf-8")
    env = {**ocgmap_env(base / "home"), "OCGMAP_USER": "J Smith"}
    loaded = run("load", str(folder), env=env, cwd=base)
    assert loaded.returncode == 0, loaded.stderr
    analysed = run("analyse", "--jobs", "1", env=env, cwd=base)
    assert analysed.returncode == 0, analysed.stderr
    return base / "home", env


def _entries(home: Path) -> list[dict[str, object]]:
    text = (home / "audit" / "audit.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_load_and_analyse_are_logged_and_verify(
    logged: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    home, env = logged
    load, resolve, analysis = _entries(home)
    assert (load["action"], load["what"], load["user"]) == ("collection", "load", "J Smith")
    assert "detections.csv" in load["objects"]  # type: ignore[operator]
    assert load["details"] == {
        "store": "embedded",
        "files": 1,
        "rows": 2,
        "loaded": 2,
        "quarantined": 0,
        "skipped": 0,
        "failed_files": 0,
        "completed": True,
    }
    assert (resolve["action"], resolve["what"]) == ("combination", "resolve")
    assert resolve["objects"] == load["objects"][:1]  # type: ignore[index]
    assert resolve["details"] == {"store": "embedded", "possibly_same": 0}
    assert (analysis["action"], analysis["what"]) == ("combination", "analyse")
    assert str(analysis["objects"][0]).startswith("R-")  # type: ignore[index]
    assert resolve["prev"] == load["hash"] and analysis["prev"] == resolve["hash"]
    done = run("audit", "verify", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "3 entries checked" in done.stdout
    out = tmp_path / "for-auditor"
    exported = run("audit", "export", "--out", str(out), env=env, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert (out / "audit.jsonl").read_bytes() == (home / "audit" / "audit.jsonl").read_bytes()
    assert len((out / "audit.csv").read_text(encoding="utf-8").splitlines()) == 5
    last = _entries(home)[-1]  # the copy holds the record of its own making
    assert (last["action"], last["what"], last["user"]) == (
        "consultation",
        "audit export",
        "J Smith",
    )


def test_one_edited_byte_fails_verify_naming_the_line(
    logged: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    home, env = logged
    copy = tmp_path / "home"
    shutil.copytree(home / "audit", copy / "audit")
    path = copy / "audit" / "audit.jsonl"
    data = bytearray(path.read_bytes())
    at = data.index(b'"loaded":2')
    data[at + len(b'"loaded":')] = ord("3")  # one byte of line 1
    path.write_bytes(bytes(data))
    tampered = {**env, "OCGMAP_HOME": str(copy)}
    done = run("audit", "verify", env=tampered, cwd=tmp_path)
    assert done.returncode == 1
    assert "line 1: hash does not match its content (edited)" in done.stderr
    as_json = run("audit", "verify", "--json", env=tampered, cwd=tmp_path)
    assert as_json.returncode == 1 and json.loads(as_json.stdout)["bad_line"] == 1
