"""Target packages on every store kind: manifest, handling codes, reproducibility."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from export_world import CLUSTER_ID, SECRET_PERSON, SECRET_REF, SECRET_ROW, run_of, seed

from ocgmap.analysis.runs import save_run
from ocgmap.audit import Action, audit_log
from ocgmap.errors import InputError
from ocgmap.export.manifest import sha256
from ocgmap.export.package import assemble
from ocgmap.export.run import export, zip_package
from ocgmap.store import GraphStore

FIRST = dt.datetime(2026, 11, 28, 13, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 11, 29, 9, 45, 12, tzinfo=dt.UTC)
EXPECTED = {
    "cluster.json",
    "i2_entities.csv",
    "i2_links.csv",
    "network.graphml",
    "network.png",
    "package.html",
    "package.pdf",
    "subjects.xlsx",
    "timeline.png",
}


#: What every export needs to be logged as a disclosure (DPA 2018 s.62).
WHY = "NCA case 12/345: target package for the case officer"
TO = ["NCA case officer"]
DISCLOSURE: dict[str, object] = {"justification": WHY, "recipients": TO}


def _export(store: GraphStore, home: Path, out: Path, **kw: object) -> dict[str, object]:
    save_run(run_of(), home)
    kw = {**DISCLOSURE, **kw}
    export(store, home, CLUSTER_ID, out, exported_by="J Smith", **kw)  # type: ignore[arg-type]
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _everything(folder: Path) -> bytes:
    """Every byte a reader could see: the files, and the members of the xlsx zip."""
    blob = b""
    for path in sorted(folder.iterdir()):
        blob += path.read_bytes()
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                blob += b"".join(archive.read(n) for n in archive.namelist())
    return blob


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_manifest_lists_every_file_with_its_hash(store: GraphStore, tmp_path: Path) -> None:
    seed(store)
    out = tmp_path / "package"
    manifest = _export(store, tmp_path, out, exported_at=FIRST)
    files = {f["name"]: f for f in manifest["files"]}  # type: ignore[union-attr]
    assert set(files) == EXPECTED
    assert {p.name for p in out.iterdir()} == EXPECTED | {"manifest.json"}
    for name, entry in files.items():
        assert entry["sha256"] == sha256(out / name), name
        assert entry["bytes"] == (out / name).stat().st_size
    assert manifest["run_id"] == run_of().run_id
    assert manifest["data_hash"] == run_of().data_hash
    assert manifest["marking"] == "OFFICIAL" and manifest["exported_by"] == "J Smith"
    assert manifest["withheld"]["referrals"] == {"C": 1}  # type: ignore[index]
    assert manifest["withheld"]["subjects"] == 1  # type: ignore[index]
    assert manifest["included_conditional"] == [] and manifest["justification"] is None
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".package-")]
    [logged] = [e for e in audit_log(tmp_path).entries() if e.action == Action.DISCLOSURE]
    assert logged.objects[:2] == [CLUSTER_ID, run_of().run_id] and "package.pdf" in logged.objects
    assert logged.user == "J Smith" and logged.justification == WHY and logged.recipients == TO
    assert logged.details["manifest_sha256"] == sha256(out / "manifest.json")
    assert logged.details["withheld_referrals"] == "C:1"


def test_conditional_intelligence_never_leaves_without_a_justification(
    store: GraphStore, tmp_path: Path
) -> None:
    seed(store)
    out = tmp_path / "default"
    _export(store, tmp_path, out, exported_at=FIRST)
    blob = _everything(out)
    text = _pdf_text(out / "package.pdf")
    for secret in (SECRET_REF, SECRET_PERSON, SECRET_ROW, "Covert source"):
        assert secret.encode() not in blob, secret
        assert secret not in text, secret
    assert b"REF-P-1" in blob  # the shareable referral is there
    with pytest.raises(InputError, match="needs a justification"):
        _export(store, tmp_path, tmp_path / "refused", include_conditional=True, justification=None)
    assert not (tmp_path / "refused" / "manifest.json").exists()
    with pytest.raises(InputError, match="needs a recipient"):
        _export(store, tmp_path, tmp_path / "nobody", recipients=[" "])
    assert not (tmp_path / "nobody").exists()
    disclosed = [e for e in audit_log(tmp_path).entries() if e.action == Action.DISCLOSURE]
    assert len(disclosed) == 1  # only the export that happened
    with pytest.raises(InputError, match="needs a justification"):  # the package's own rule
        assemble(store, run_of(), CLUSTER_ID, include_conditional=True, exported_by="J Smith")
    out = tmp_path / "included"
    manifest = _export(
        store,
        tmp_path,
        out,
        include_conditional=True,
        justification="Recipient is the NCA case officer (case 12/345)",
    )
    assert SECRET_REF.encode() in _everything(out)
    assert manifest["included_conditional"] == [SECRET_REF]
    assert manifest["justification"] == "Recipient is the NCA case officer (case 12/345)"
    assert manifest["withheld"]["referrals"] == {}  # type: ignore[index]


def test_the_same_cluster_exports_to_the_same_files_but_for_timestamps(
    store: GraphStore, tmp_path: Path
) -> None:
    seed(store)
    one, two = tmp_path / "one", tmp_path / "two"
    _export(store, tmp_path, one, exported_at=FIRST)
    _export(store, tmp_path, two, exported_at=LATER)
    stamped = {"cluster.json", "package.html", "package.pdf"}
    for name in sorted(EXPECTED - stamped):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    for name in ("cluster.json", "package.html"):
        first = (one / name).read_text(encoding="utf-8")
        second = (two / name).read_text(encoding="utf-8")
        for stamp in (FIRST, LATER):
            for text in (stamp.isoformat(), stamp.isoformat().replace("+00:00", "Z")):
                first, second = first.replace(text, "<stamp>"), second.replace(text, "<stamp>")
            for fmt in ("%d/%m/%Y %H:%M", "%d %B %Y %H:%M", "%d/%m/%Y", "%d %B %Y"):
                first = first.replace(stamp.strftime(fmt), "<stamp>")
                second = second.replace(stamp.strftime(fmt), "<stamp>")
        assert first == second, name
    assert _pdf_text(one / "package.pdf").count("\n") == _pdf_text(two / "package.pdf").count("\n")


def test_the_package_zips_for_download(store: GraphStore, tmp_path: Path) -> None:
    seed(store)
    out = tmp_path / "package"
    save_run(run_of(), tmp_path)
    manifest = export(
        store, tmp_path, CLUSTER_ID, out, exported_by="J Smith", justification=WHY, recipients=TO
    )
    with zipfile.ZipFile(io.BytesIO(zip_package(out, manifest))) as archive:
        assert set(archive.namelist()) == EXPECTED | {"manifest.json"}


def test_an_unknown_cluster_or_missing_run_is_one_clear_error(
    store: GraphStore, tmp_path: Path
) -> None:
    seed(store)
    with pytest.raises(InputError, match="No analysis run saved"):
        export(
            store,
            tmp_path / "empty",
            CLUSTER_ID,
            tmp_path / "x",
            exported_by="J Smith",
            justification=WHY,
            recipients=TO,
        )
    save_run(run_of(), tmp_path)
    with pytest.raises(InputError, match="C-99999"):
        export(
            store,
            tmp_path,
            "C-99999",
            tmp_path / "x",
            exported_by="J Smith",
            justification=WHY,
            recipients=TO,
        )
