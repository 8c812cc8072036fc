"""Confirmed outcomes per cluster, for a supervised fit of the scorer where a force has them.

A labels file is a CSV with the columns ``cluster_id`` and ``outcome``: ``1`` for a cluster
confirmed as an organised crime group (for example after an investigation), ``0`` for one
confirmed not to be. Cluster ids are stable across runs, so the ids of the latest run's
results are the ones to label. Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ocgmap.errors import InputError

__all__ = ["OUTCOMES", "read_labels"]

#: How an outcome may be written, and what it means.
OUTCOMES = {"1": 1, "0": 0, "yes": 1, "no": 0, "true": 1, "false": 0}


def read_labels(path: Path) -> dict[str, int]:
    """Outcome (1 or 0) per cluster id.

    Raises
    ------
    InputError
        The file cannot be read, lacks a column, or a row has an empty id, an outcome other
        than 1/0 (yes/no, true/false), or contradicts an earlier row for the same cluster;
        the message names the file, row and field.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "labels.csv"
    >>> _ = path.write_text(chr(10).join(["cluster_id,outcome", "C-00001,1", "C-00002,no"]))
    >>> read_labels(path)
    {'C-00001': 1, 'C-00002': 0}
    """
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            # physical line numbers of the lines kept, so errors name the row as the file has it
            kept = [(n, line) for n, line in enumerate(handle, 1) if not line.startswith("#")]
    except OSError as exc:
        raise InputError(f"Cannot read the labels file {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text: {exc.reason}") from exc
    reader = csv.DictReader(line for _, line in kept)
    missing = [c for c in ("cluster_id", "outcome") if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            f"{path}: the labels file needs the columns cluster_id,outcome; "
            f"missing {', '.join(missing)}"
        )
    labels: dict[str, int] = {}
    for row in reader:
        number = kept[reader.line_num - 1][0]
        cluster = (row.get("cluster_id") or "").strip()
        text = (row.get("outcome") or "").strip().casefold()
        if not cluster:
            raise InputError(f"{path}, row {number}, field 'cluster_id': value is empty")
        if text not in OUTCOMES:
            raise InputError(
                f"{path}, row {number}, field 'outcome': must be 1 (confirmed OCG) or 0 "
                f"(confirmed not), got {row.get('outcome')!r}"
            )
        if labels.get(cluster, OUTCOMES[text]) != OUTCOMES[text]:
            raise InputError(
                f"{path}, row {number}, field 'outcome': {cluster} is labelled both 1 and 0"
            )
        labels[cluster] = OUTCOMES[text]
    return labels
