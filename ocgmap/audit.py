"""The DPA 2018 s.62 audit log: an append-only, hash-chained record of processing.

Every collection (loads), alteration (review decisions), consultation, disclosure (exports,
with their recipients), combination (analysis runs) and erasure is one line of
``OCGMAP_HOME/audit/audit.jsonl``. Each entry records who, when (UTC), what and on which
objects, with a justification where the law asks for one, and holds the SHA-256 of the entry
before it: editing, removing or reordering any line breaks the chain, and
:meth:`AuditLog.verify` names the first line that no longer fits.

Appends take an exclusive ``fcntl.flock`` on the log, read the last entry to chain from, write
one line and ``fsync`` it, so two processes never interleave lines or fork the chain.
"""

from __future__ import annotations

import csv
import datetime as dt
import fcntl
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

from ocgmap.config import Settings
from ocgmap.errors import InputError

__all__ = [
    "GENESIS",
    "Action",
    "AuditEntry",
    "AuditLog",
    "Detail",
    "VerifyResult",
    "audit_log",
    "audit_path",
    "canonical_json",
    "check_disclosure",
    "current_user",
    "entry_hash",
    "select",
]

#: The ``prev`` of the first entry.
GENESIS = "0" * 64

#: A value of an entry's ``details``.
Detail = str | int | float | bool | None

#: The columns of the auditor's CSV copy, in order.
_CSV_COLUMNS = (
    "seq",
    "at",
    "user",
    "action",
    "what",
    "objects",
    "justification",
    "recipients",
    "details",
    "prev",
    "hash",
)


class Action(StrEnum):
    """The kinds of processing DPA 2018 s.62 asks to be logged (and refused attempts)."""

    COLLECTION = "collection"
    ALTERATION = "alteration"
    CONSULTATION = "consultation"
    DISCLOSURE = "disclosure"
    COMBINATION = "combination"
    ERASURE = "erasure"
    REFUSED = "refused"


def canonical_json(data: Mapping[str, Any]) -> str:
    """The one JSON text of ``data`` that is hashed: sorted keys, no spaces, UTF-8 kept.

    Examples
    --------
    >>> canonical_json({"b": 1, "a": "é"})
    '{"a":"é","b":1}'
    """
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(data: Mapping[str, Any]) -> str:
    """The SHA-256 (hex) of an entry's canonical JSON without its ``hash`` field.

    Examples
    --------
    >>> entry_hash({"seq": 1, "hash": "ignored"}) == entry_hash({"seq": 1})
    True
    """
    body = {k: v for k, v in data.items() if k != "hash"}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


class AuditEntry(BaseModel):
    """One line of the audit log.

    Examples
    --------
    >>> import datetime as dt
    >>> entry = AuditEntry.seal(seq=1, at=dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC),
    ...     user="J Smith", action="collection", what="load", objects=["20260301T090000Z-ab12cd"],
    ...     prev=GENESIS)
    >>> entry.hash == entry_hash(entry.model_dump(mode="json"))
    True
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    seq: int = Field(ge=1)
    at: AwareDatetime
    user: str = Field(min_length=1)
    action: Action
    what: str = Field(min_length=1)
    objects: list[str] = Field(default_factory=list)
    justification: str | None = None
    recipients: list[str] = Field(default_factory=list)
    details: dict[str, Detail] = Field(default_factory=dict)
    prev: str = Field(pattern=r"^[0-9a-f]{64}$")
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")

    @field_validator("at")
    @classmethod
    def _utc(cls, value: dt.datetime) -> dt.datetime:
        return value.astimezone(dt.UTC)

    @classmethod
    def seal(cls, **fields: Any) -> AuditEntry:
        """Build an entry from every field but ``hash``, and compute its hash."""
        draft = cls.model_validate({**fields, "hash": GENESIS})
        body = draft.model_dump(mode="json")
        return draft.model_copy(update={"hash": entry_hash(body)})

    def line(self) -> str:
        """The entry as one canonical JSON line (with its hash), without the newline."""
        return canonical_json(self.model_dump(mode="json"))

    def row(self) -> dict[str, str | int]:
        """The entry as a table row: one readable string per column of the auditor's CSV."""
        return {
            "seq": self.seq,
            "at": self.at.strftime("%Y-%m-%d %H:%M:%S UTC"),
            "user": self.user,
            "action": self.action.value,
            "what": self.what,
            "objects": "; ".join(self.objects),
            "justification": self.justification or "",
            "recipients": "; ".join(self.recipients),
            "details": ", ".join(f"{k}={v}" for k, v in self.details.items()),
        }


class VerifyResult(BaseModel):
    """What :meth:`AuditLog.verify` found."""

    ok: bool
    entries: int = Field(description="entries checked and found sound")
    bad_line: int | None = Field(default=None, description="the first bad line, from 1")
    reason: str | None = None

    @property
    def message(self) -> str:
        """One line for a person: the count when sound, else the first bad line and why."""
        if self.ok:
            return f"audit log sound: {self.entries} entries checked, the chain is unbroken"
        return f"audit log broken at {self.reason}"


def _clean_list(values: Iterable[str]) -> list[str]:
    return [v.strip() for v in values if v and v.strip()]


class AuditLog:
    """The append-only audit log in one JSON-lines file.

    Parameters
    ----------
    path : pathlib.Path
        The log file (created with its folder on the first append).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> log = AuditLog(pathlib.Path(tempfile.mkdtemp()) / "audit.jsonl")
    >>> first = log.append("J Smith", "collection", "load", ["L1"])
    >>> second = log.append("J Smith", "combination", "analyse", ["R-1"])
    >>> second.prev == first.hash, log.verify().ok
    (True, True)
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(
        self,
        user: str,
        action: Action | str,
        what: str,
        objects: Iterable[str],
        justification: str | None = None,
        recipients: Iterable[str] = (),
        details: Mapping[str, Detail] | None = None,
    ) -> AuditEntry:
        """Append one entry, chained to the last one, and return it.

        Parameters
        ----------
        user : str
            Who acted.
        action : Action or str
            The kind of processing.
        what : str
            A short verb phrase: ``"load"``, ``"analyse"``, ``"export"``, ``"review"``.
        objects : iterable of str
            What was processed: load ids, run ids, cluster ids, file names.
        justification : str, optional
            Why; required for a disclosure and for consulting handling-code-C material.
        recipients : iterable of str
            Who received a disclosure (at least one for a disclosure).
        details : mapping, optional
            Counts and flags, values scalar.

        Returns
        -------
        AuditEntry
            The entry as written.

        Raises
        ------
        InputError
            If the entry breaks the logging rules, or the log's last line cannot be read.
        """
        kind = Action(action)
        why = (justification or "").strip() or None
        to = _clean_list(recipients)
        info = dict(details or {})
        _check_rules(kind, why, to, info)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                last = _last_entry(handle, self.path)
                entry = AuditEntry.seal(
                    seq=last.seq + 1 if last else 1,
                    at=dt.datetime.now(dt.UTC),
                    user=user.strip() or "(unknown)",
                    action=kind,
                    what=what,
                    objects=_clean_list(objects),
                    justification=why,
                    recipients=to,
                    details=info,
                    prev=last.hash if last else GENESIS,
                )
                handle.seek(0, os.SEEK_END)
                handle.write((entry.line() + "\n").encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return entry

    def entries(self) -> list[AuditEntry]:
        """Every entry, in order; an empty list when nothing was logged yet.

        Raises
        ------
        InputError
            If a line is not an audit entry (naming the line); run :meth:`verify` for more.
        """
        return self.entries_from(1)

    def entries_from(self, seq: int) -> list[AuditEntry]:
        """The entries from number ``seq`` on (lines before it are not parsed).

        In a sound log entry ``n`` is line ``n``; :meth:`verify` checks that.

        Raises
        ------
        InputError
            If one of those lines is not an audit entry (naming the line).
        """
        return [self._entry(n, line) for n, line in self._lines() if n >= seq]

    def _entry(self, number: int, line: str) -> AuditEntry:
        try:
            return AuditEntry.model_validate_json(line)
        except ValidationError as exc:
            raise InputError(
                f"{self.path} line {number} is not an audit entry "
                f"({str(exc).splitlines()[0]}); run `ocgmap audit verify`."
            ) from exc

    def verify(self) -> VerifyResult:
        """Check every line: its own hash, its link to the line before, its sequence number.

        Returns
        -------
        VerifyResult
            ``ok`` with the count of entries, or the first bad line and why.

        Notes
        -----
        Reads the file once: O(n) for n entries. Removing the *last* lines leaves a sound but
        shorter chain; compare the count (or the last hash) with one kept elsewhere to see that.
        """
        return _verify(self._lines())

    def export(
        self, out: Path, since: dt.datetime | None = None, until: dt.datetime | None = None
    ) -> Path:
        """Write a copy of the log for an auditor, after verifying it: JSONL and CSV.

        Parameters
        ----------
        out : pathlib.Path
            The folder to write ``audit.jsonl`` and ``audit.csv`` into (created).
        since, until : datetime.datetime, optional
            Only entries at or after ``since`` and before ``until`` (aware datetimes). The JSONL
            lines are copied byte for byte, so each keeps its hash and ``prev``.

        Returns
        -------
        pathlib.Path
            The folder written.

        Raises
        ------
        InputError
            If the log does not verify (naming the first bad line): a broken log is not
            handed over as if it were sound.
        """
        lines = list(self._lines())
        result = _verify(lines)
        if not result.ok:
            raise InputError(
                f"The audit log {self.path} does not verify ({result.message}); it was not "
                "exported. Keep the file as it is and report it."
            )
        chosen = [
            (line, entry)
            for line, entry in ((line, AuditEntry.model_validate_json(line)) for _, line in lines)
            if (since is None or entry.at >= since) and (until is None or entry.at < until)
        ]
        out.mkdir(parents=True, exist_ok=True)
        (out / "audit.jsonl").write_text(
            "".join(line + "\n" for line, _ in chosen), encoding="utf-8"
        )
        _write_csv(out / "audit.csv", [entry for _, entry in chosen])
        return out

    def _lines(self) -> Iterator[tuple[int, str]]:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8", errors="replace", newline="\n") as handle:
            for number, raw in enumerate(handle, start=1):
                yield number, raw.removesuffix("\n")


def select(
    entries: Iterable[AuditEntry],
    *,
    users: Iterable[str] = (),
    actions: Iterable[Action | str] = (),
    text: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[AuditEntry]:
    """The entries matching every filter given, newest first.

    Parameters
    ----------
    entries : iterable of AuditEntry
        The log, in order.
    users, actions : iterable of str
        Keep entries by one of these users, of one of these actions (empty: all).
    text : str
        Keep entries whose ``what``, objects, justification or recipients contain it
        (ignoring case).
    since, until : datetime.date, optional
        Keep entries made on or after ``since`` and on or before ``until`` (UTC days).

    Examples
    --------
    >>> e = AuditEntry.seal(seq=1, at=dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), user="ana",
    ...     action="consultation", what="cluster", objects=["C-00012"], prev=GENESIS)
    >>> [x.seq for x in select([e], text="c-000")], select([e], users=["bob"])
    ([1], [])
    """
    who = {u.casefold() for u in users}
    kinds = {Action(a) for a in actions}
    needle = text.strip().casefold()
    kept = []
    for e in entries:
        if who and e.user.casefold() not in who:
            continue
        if kinds and e.action not in kinds:
            continue
        day = e.at.date()
        if (since is not None and day < since) or (until is not None and day > until):
            continue
        if needle:
            hay = " ".join([e.what, *e.objects, e.justification or "", *e.recipients])
            if needle not in hay.casefold():
                continue
        kept.append(e)
    return kept[::-1]


def check_disclosure(justification: str | None, recipients: Iterable[str]) -> None:
    """Refuse a disclosure that could not be logged: it needs a justification and a recipient.

    Call it before doing the work, so nothing leaves that the log would refuse.

    Raises
    ------
    InputError
        Naming what is missing.

    Examples
    --------
    >>> check_disclosure("NCA case 12/345", ["NCA case officer"])
    >>> try:
    ...     check_disclosure(" ", [])
    ... except InputError as exc:
    ...     str(exc).split(" to be logged")[0]
    'A disclosure needs a justification and a recipient'
    """
    _check_rules(
        Action.DISCLOSURE, (justification or "").strip() or None, _clean_list(recipients), {}
    )


def current_user(user: str | None = None) -> str:
    """``user`` when given, else who the settings say is working (``OCGMAP_USER`` or login).

    Examples
    --------
    >>> current_user("J Smith")
    'J Smith'
    """
    if user is not None and user.strip():
        return user.strip()
    return Settings().user or "(unknown)"


def _check_rules(
    action: Action, why: str | None, recipients: Sequence[str], info: Mapping[str, Detail]
) -> None:
    if action is Action.DISCLOSURE and (why is None or not recipients):
        missing = " and ".join(
            name
            for name, absent in (("a justification", why is None), ("a recipient", not recipients))
            if absent
        )
        raise InputError(
            f"A disclosure needs {missing} to be logged (DPA 2018 s.62): say who receives it "
            "(--recipient) and why (--justification)."
        )
    if action is Action.CONSULTATION and info.get("handling_code") == "C" and why is None:
        raise InputError(
            "Viewing intelligence with handling code C needs a justification (DPA 2018 s.62)."
        )


def _last_entry(handle: IO[bytes], path: Path) -> AuditEntry | None:
    """The last entry of an open log (read backwards from the end), or None when empty."""
    handle.seek(0, os.SEEK_END)
    end = handle.tell()
    if end == 0:
        return None
    block, position, tail = 4096, end, b""
    while position > 0 and tail.count(b"\n") < 2:
        step = min(block, position)
        position -= step
        handle.seek(position)
        tail = handle.read(step) + tail
    last = tail.rstrip(b"\n").rsplit(b"\n", 1)[-1]
    if not tail.endswith(b"\n"):
        raise InputError(
            f"The audit log {path} ends in a partial line, so nothing more can be chained to "
            "it; run `ocgmap audit verify` and report the file."
        )
    try:
        return AuditEntry.model_validate_json(last)
    except ValidationError as exc:
        raise InputError(
            f"The last line of the audit log {path} is not an audit entry "
            f"({str(exc).splitlines()[0]}); run `ocgmap audit verify` and report the file."
        ) from exc


def _verify(lines: Iterable[tuple[int, str]]) -> VerifyResult:
    """Check numbered lines in order; stop at the first bad one."""
    previous: AuditEntry | None = None
    checked = 0
    for number, line in lines:
        problem, entry = _check_line(number, line, previous)
        if problem is not None:
            return VerifyResult(ok=False, entries=checked, bad_line=number, reason=problem)
        previous = entry
        checked += 1
    return VerifyResult(ok=True, entries=checked)


def _check_line(
    number: int, line: str, previous: AuditEntry | None
) -> tuple[str | None, AuditEntry | None]:
    """Why line ``number`` is bad (None when sound), and its entry."""
    where = f"line {number}"
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return f"{where}: not valid JSON", None
    if not isinstance(data, dict):
        return f"{where}: not an audit entry (not a JSON object)", None
    if data.get("hash") != entry_hash(data):
        return f"{where}: hash does not match its content (edited)", None
    try:
        entry = AuditEntry.model_validate(data)
    except ValidationError as exc:
        return f"{where}: not an audit entry ({str(exc).splitlines()[0]})", None
    if entry.line() != line:
        return f"{where}: not in canonical form (edited)", None
    expected_prev = previous.hash if previous else GENESIS
    if entry.prev != expected_prev:
        before = f"line {number - 1}" if previous else "the start of the log"
        return f"{where}: prev does not match {before} (removed or reordered)", None
    expected_seq = previous.seq + 1 if previous else 1
    if entry.seq != expected_seq:
        after = f"after {previous.seq}" if previous else "at the start"
        return f"{where}: seq {entry.seq} {after} (removed)", None
    return None, entry


def _write_csv(path: Path, entries: Sequence[AuditEntry]) -> None:
    """Write entries as CSV; text that a spreadsheet would run as a formula gets a ``'``."""
    from ocgmap.export.cells import neutralise

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(_CSV_COLUMNS)
        for e in entries:
            cells: list[object] = [
                e.seq,
                e.at.isoformat(),
                e.user,
                str(e.action),
                e.what,
                "; ".join(e.objects),
                e.justification or "",
                "; ".join(e.recipients),
                canonical_json(e.details),
                e.prev,
                e.hash,
            ]
            writer.writerow([neutralise(c) if isinstance(c, str) else c for c in cells])


def audit_path(home: Path) -> Path:
    """Where the audit log lives under ``OCGMAP_HOME``: ``audit/audit.jsonl``.

    Examples
    --------
    >>> audit_path(Path("/srv/ocgmap")).as_posix()
    '/srv/ocgmap/audit/audit.jsonl'
    """
    return home / "audit" / "audit.jsonl"


def audit_log(settings: Settings | Path) -> AuditLog:
    """The audit log of ``OCGMAP_HOME`` (given as settings, or as the home folder itself).

    Examples
    --------
    >>> audit_log(Path("/srv/ocgmap")).path.as_posix()
    '/srv/ocgmap/audit/audit.jsonl'
    """
    home = settings.home if isinstance(settings, Settings) else settings
    return AuditLog(audit_path(home))
