"""A second copy of the audit log in Neo4j, where Neo4j is the store.

The log file under ``OCGMAP_HOME`` is the record; when the graph lives in Neo4j each entry is
also copied there, as an ``AuditEntry`` node outside the graph model (no relationships, no
provenance: no graph query, erasure or ``db wipe`` touches it). The copy is what shows the
changes the hash chain alone cannot: lines cut off the end of the file, or a chain rebuilt
from some line on by someone who can write the file.

Each log is named by the resolved path of its file, so several homes can share one server.
:func:`copy_new` runs after each command and dashboard page that used Neo4j and copies what
is new; :func:`compare` (``ocgmap audit verify`` on Neo4j) checks every entry.
"""

from __future__ import annotations

from pydantic import BaseModel

from ocgmap.audit import AuditEntry, AuditLog
from ocgmap.errors import InputError
from ocgmap.store import GraphStore
from ocgmap.store.neo4j import Neo4jStore

__all__ = ["CopyCheck", "compare", "copy_new", "log_name"]


class CopyCheck(BaseModel):
    """How the file and its copy in Neo4j agree."""

    ok: bool
    copied: int = 0
    message: str


def log_name(log: AuditLog) -> str:
    """The name a log's copy goes by: its file's resolved path."""
    return str(log.path.resolve())


def _rows(entries: list[AuditEntry]) -> list[dict[str, object]]:
    return [{"seq": e.seq, "hash": e.hash, "line": e.line()} for e in entries]


def copy_new(log: AuditLog, store: GraphStore) -> CopyCheck | None:
    """Copy the entries the Neo4j copy lacks; ``None`` when the store is not Neo4j.

    Only the newest copied entry is compared with the file (a full check is
    :func:`compare`), so this costs one small read plus the new entries.
    """
    if not isinstance(store, Neo4jStore):
        return None
    name = log_name(log)
    last = store.audit_last(name)
    try:  # the newest copied entry, to check it, and the ones after it: no more is parsed
        entries = log.entries_from(last[0] if last else 1)
    except InputError as exc:
        return CopyCheck(ok=False, message=str(exc))
    if last is not None:
        seq, digest = last
        if not entries:
            return CopyCheck(
                ok=False,
                message=f"the Neo4j copy holds {seq} entries but the file fewer "
                "(lines cut off the end)",
            )
        if (entries[0].seq, entries[0].hash) != (seq, digest):
            return CopyCheck(
                ok=False, message=f"entry {seq} differs from its Neo4j copy (file rewritten)"
            )
        entries = entries[1:]
    store.copy_audit(name, _rows(entries))
    return CopyCheck(
        ok=True, copied=len(entries), message=f"{len(entries)} new entries copied to Neo4j"
    )


def compare(log: AuditLog, store: Neo4jStore) -> CopyCheck:
    """Check every entry of the file against the Neo4j copy, then copy what is new.

    Returns the first disagreement: an entry whose hash differs from its copy (edited, or the
    chain rebuilt), or copied entries missing from the file (cut off).
    """
    name = log_name(log)
    entries = log.entries()
    held = store.audit_hashes(name)
    for entry in entries:
        copied = held.get(entry.seq)
        if copied is not None and copied != entry.hash:
            return CopyCheck(
                ok=False,
                message=f"entry {entry.seq} differs from its Neo4j copy (edited or rebuilt)",
            )
    missing = sorted(seq for seq in held if seq > len(entries))
    if missing:
        return CopyCheck(
            ok=False,
            message=f"entries {missing[0]} to {missing[-1]} are in the Neo4j copy but not in "
            "the file (cut off the end)",
        )
    new = [e for e in entries if e.seq not in held]
    store.copy_audit(name, _rows(new))
    return CopyCheck(
        ok=True,
        copied=len(new),
        message=f"the Neo4j copy agrees ({len(held)} entries compared, {len(new)} copied)",
    )
