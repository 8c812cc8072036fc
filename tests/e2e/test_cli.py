"""The ``ocgmap`` command, run as a user runs it: in a subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ocgmap_cli import ocgmap_env

pytestmark = pytest.mark.e2e

OCGMAP = shutil.which("ocgmap") or str(Path(sys.executable).parent / "ocgmap")


def run(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # A generous bound: it only stops a hung command, it is not a performance assertion.
    return subprocess.run(
        [OCGMAP, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=900
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return ocgmap_env(tmp_path / "home")


def test_version(env: dict[str, str], tmp_path: Path) -> None:
    from ocgmap import __version__

    done = run("--version", env=env, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == f"ocgmap {__version__}"


def test_db_init_and_status_on_embedded_store(env: dict[str, str], tmp_path: Path) -> None:
    init = run("db", "init", env=env, cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    assert (tmp_path / "home" / "graph.json").exists()
    status = run("db", "status", "--json", env=env, cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout) == {"store": "embedded", "nodes": {}, "relationships": {}}


def test_unreachable_neo4j_is_one_line_naming_the_uri(env: dict[str, str], tmp_path: Path) -> None:
    env["NEO4J_URI"] = "bolt://127.0.0.1:1"
    done = run("db", "status", env=env, cwd=tmp_path)
    assert done.returncode != 0
    assert "bolt://127.0.0.1:1" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr + done.stdout


def test_bad_uri_scheme_is_explained(env: dict[str, str], tmp_path: Path) -> None:
    env["NEO4J_URI"] = "http://127.0.0.1:7474"
    done = run("db", "status", env=env, cwd=tmp_path)
    assert done.returncode == 1 and "must start with one of bolt://" in done.stderr


def test_debug_shows_the_traceback(env: dict[str, str], tmp_path: Path) -> None:
    env["NEO4J_URI"] = "bolt://127.0.0.1:1"
    done = run("--debug", "db", "status", env=env, cwd=tmp_path)
    assert done.returncode != 0 and "Traceback" in done.stderr


def test_wipe_needs_confirmation(env: dict[str, str], tmp_path: Path) -> None:
    done = run("db", "wipe", env=env, cwd=tmp_path)
    assert done.returncode == 1 and "--yes" in done.stderr
    assert run("db", "wipe", "--yes", env=env, cwd=tmp_path).returncode == 0


def test_demo_runs_on_the_embedded_store(
    demo: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    home, done = demo
    env = ocgmap_env(home)
    assert done.returncode == 0, done.stderr
    assert "embedded store" in done.stdout
    assert (home / "graph.json").exists()
    assert (home / "demo" / "data" / "truth.json").exists()
    assert "challenge list" in done.stdout and "challenge recall 1.00" in done.stdout
    [package] = (home / "demo" / "export").iterdir()  # the top challenge's target package
    listed = json.loads((package / "manifest.json").read_text(encoding="utf-8"))
    assert listed["cluster_id"] == package.name and "package.pdf" in {
        f["name"] for f in listed["files"]
    }
    results = home / "demo" / "results.json"
    truth = home / "demo" / "data" / "truth.json"
    judged = run("evaluate", str(truth), str(results), "--check", "--json", env=env, cwd=tmp_path)
    assert judged.returncode == 0, judged.stdout + judged.stderr
    assert json.loads(judged.stdout)["passed"] is True
    again = run(
        "analyse", "--out", str(tmp_path / "again.json"), "--top", "3", env=env, cwd=tmp_path
    )
    assert again.returncode == 0, again.stderr
    assert "challenge list" in again.stdout
    first = json.loads(results.read_text())
    second = json.loads((tmp_path / "again.json").read_text())
    assert second["previous_run_id"] == first["run_id"]
    assert [c["cluster_id"] for c in second["clusters"]] == [
        c["cluster_id"] for c in first["clusters"]
    ]


def test_analyse_an_edge_list_and_reject_a_bad_one(env: dict[str, str], tmp_path: Path) -> None:
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target\nboss,a\nboss,b\nboss,c\na,b\nx,y\n")
    done = run("analyse", "--edges", str(edges), "--json", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert [c["size"] for c in result["clusters"]] == [4, 2]
    assert result["clusters"][0]["key_players"][0]["node"] == "boss"
    edges.write_text("from,to\na,b\n")
    bad = run("analyse", "--edges", str(edges), env=env, cwd=tmp_path)
    assert bad.returncode == 1 and "'source' and 'target'" in bad.stderr


@pytest.mark.neo4j
def test_db_init_and_status_on_real_neo4j(env: dict[str, str], tmp_path: Path) -> None:
    from servers import neo4j_test_settings

    uri, user, password = neo4j_test_settings()
    env.update(NEO4J_URI=uri, NEO4J_USER=user, NEO4J_PASSWORD=password)
    assert run("db", "init", env=env, cwd=tmp_path).returncode == 0
    status = run("db", "status", "--json", env=env, cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["store"] == "neo4j"
    env["NEO4J_PASSWORD"] = "not-the-password"
    refused = run("db", "status", env=env, cwd=tmp_path)
    assert refused.returncode == 1 and "refused the credentials" in refused.stderr


@pytest.mark.neo4j
def test_analyse_engine_gds_in_batches_gives_the_python_engines_results(
    env: dict[str, str], tmp_path: Path
) -> None:
    from servers import neo4j_test_settings

    from ocgmap.analysis.results import AnalysisRun

    uri, user, password = neo4j_test_settings()
    env.update(NEO4J_URI=uri, NEO4J_USER=user, NEO4J_PASSWORD=password)
    data = tmp_path / "world"
    made = run("synth", "--out", str(data), "--seed", "4", "--scale", "0.01", env=env, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert run("db", "wipe", "--yes", env=env, cwd=tmp_path).returncode == 0
    loaded = run("load", str(data), env=env, cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    python = run("analyse", "--out", "python.json", env=env, cwd=tmp_path)
    assert python.returncode == 0, python.stderr
    gds = run(
        "analyse", "--engine", "gds", "--batch-members", "25", "--out", "gds.json",
        env=env, cwd=tmp_path,
    )  # fmt: skip
    assert gds.returncode == 0, gds.stderr
    a, b = AnalysisRun.read(tmp_path / "python.json"), AnalysisRun.read(tmp_path / "gds.json")
    assert b.params.engine == "gds" and b.previous_run_id == a.run_id
    assert b.data_hash == a.data_hash and b.summary.scored == a.summary.scored > 1
    assert [c.model_dump(exclude={"change"}) for c in b.clusters] == [
        c.model_dump(exclude={"change"}) for c in a.clusters
    ]
    refused = run("analyse", "--batch-members", "0", env=env, cwd=tmp_path)
    assert refused.returncode != 0 and "--batch-members" in refused.stderr
    python_batches = run("analyse", "--batch-members", "25", env=env, cwd=tmp_path)
    assert python_batches.returncode == 1
    assert "--batch-members is for --engine gds" in python_batches.stderr


def test_synth_writes_a_world_with_its_truth(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "world"
    done = run("synth", "--out", str(out), "--seed", "5", "--scale", "0.05", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    truth = json.loads((out / "truth.json").read_text())
    assert (truth["seed"], truth["scale"]) == (5, 0.05)
    assert "detections.csv" in done.stdout and "planted faults" in done.stdout
    assert len(list(out.glob("*.csv"))) == 9 and (out / "psc.jsonl").exists()


def test_synth_refuses_a_bad_scale(env: dict[str, str], tmp_path: Path) -> None:
    done = run("synth", "--out", str(tmp_path / "w"), "--scale", "0", env=env, cwd=tmp_path)
    assert done.returncode != 0 and "scale" in done.stderr
    assert "Traceback" not in done.stderr


def test_load_twice_leaves_db_status_byte_identical(env: dict[str, str], tmp_path: Path) -> None:
    data = tmp_path / "world"
    assert (
        run(
            "synth", "--out", str(data), "--seed", "2", "--scale", "0.02", env=env, cwd=tmp_path
        ).returncode
        == 0
    )
    first = run("load", str(data), env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "quarantined" in first.stdout and "possible matches" in first.stdout
    status = run("db", "status", "--json", env=env, cwd=tmp_path).stdout
    again = run("load", str(data), "--json", env=env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert sum(f["quarantined"] for f in report["files"]) == 20
    assert run("db", "status", "--json", env=env, cwd=tmp_path).stdout == status


def test_load_of_an_unknown_file_names_it(env: dict[str, str], tmp_path: Path) -> None:
    odd = tmp_path / "mystery.csv"
    odd.write_text("a,b\n1,2\n")
    done = run("load", str(odd), env=env, cwd=tmp_path)
    assert done.returncode == 1 and "mystery.csv" in done.stderr and "--source" in done.stderr


def test_export_writes_a_package_and_refuses_a_bad_marking(
    demo: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    home, _ = demo
    env = ocgmap_env(home)
    clusters = json.loads((home / "demo" / "results.json").read_text())["clusters"]
    # the demo printed the top cluster's package; a small one keeps this test quick
    cluster = min((c for c in clusters if len(c["members"]) >= 3), key=lambda c: len(c["members"]))
    out = tmp_path / "pack"
    done = run(
        "export",
        cluster["cluster_id"],
        "--out",
        str(out),
        "--marking",
        "OFFICIAL-SENSITIVE",
        "--user",
        "J Smith",
        "--recipient",
        "NCA case officer",
        "--recipient",
        "CPS reviewing lawyer",
        "--justification",
        "NCA case 12/345",
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert f"OFFICIAL-SENSITIVE: target package of {cluster['cluster_id']}" in done.stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["marking"] == "OFFICIAL-SENSITIVE" and manifest["exported_by"] == "J Smith"
    logged = json.loads((home / "audit" / "audit.jsonl").read_text("utf-8").splitlines()[-1])
    assert logged["action"] == "disclosure" and logged["user"] == "J Smith"
    assert logged["recipients"] == ["NCA case officer", "CPS reviewing lawyer"]
    assert (
        logged["justification"] == "NCA case 12/345" and cluster["cluster_id"] in logged["objects"]
    )
    unjustified = run(
        "export",
        cluster["cluster_id"],
        "--out",
        str(tmp_path / "z"),
        "--recipient",
        "NCA case officer",
        env=env,
        cwd=tmp_path,
    )
    assert unjustified.returncode == 1 and "needs a justification" in unjustified.stderr
    assert not (tmp_path / "z").exists()
    bad = run(
        "export",
        cluster["cluster_id"],
        "--out",
        str(tmp_path / "x"),
        "--marking",
        "SECRET",
        env=env,
        cwd=tmp_path,
    )
    assert bad.returncode == 1 and "--marking must be OFFICIAL" in bad.stderr + bad.stdout
    refused = run(
        "export",
        cluster["cluster_id"],
        "--out",
        str(tmp_path / "y"),
        "--include-conditional",
        env=env,
        cwd=tmp_path,
    )
    assert refused.returncode == 1 and "justification" in refused.stderr + refused.stdout
