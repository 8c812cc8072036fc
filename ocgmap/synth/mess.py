"""The variation real exports have, exactly as formats.md allows and no more.

Each function takes a clean (normalised) value and a random stream and returns one of the
spellings a real source would use; the loaders' normalisers must turn every one of them back
into the clean value.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

__all__ = ["company_name", "date_text", "locode_text", "phone_text", "timestamp_text", "vrm_text"]

LONDON = ZoneInfo("Europe/London")


def vrm_text(vrm: str, rng: random.Random) -> str:
    """A VRM as typed: as is, with a space before the last three characters, or lower case.

    Examples
    --------
    >>> sorted({vrm_text("AB12CDE", random.Random(i)) for i in range(40)})
    ['AB12 CDE', 'AB12CDE', 'ab12 cde', 'ab12cde']
    """
    text = vrm[:-3] + " " + vrm[-3:] if len(vrm) > 4 and rng.random() < 0.35 else vrm
    return text.lower() if rng.random() < 0.12 else text


def phone_text(e164: str, rng: random.Random) -> str:
    """A phone number in national or international form.

    Examples
    --------
    >>> sorted({phone_text("+447700900123", random.Random(i)) for i in range(60)})
    ['+44 7700 900123', '+447700900123', '0044 7700 900123', '07700 900123', '07700900123']
    """
    uk = e164.startswith("+44")
    digits = e164[1:]
    roll = rng.random()
    if uk and roll < 0.45:
        national = "0" + digits[2:]
        return national if rng.random() < 0.3 else f"{national[:5]} {national[5:]}"
    if roll < 0.7:
        return e164
    code_len = 2 if uk or digits[:2] in {"48", "40", "31", "90"} else 3
    spaced = f"{digits[:code_len]} {digits[code_len : code_len + 4]} {digits[code_len + 4 :]}"
    return ("+" if rng.random() < 0.6 else "00") + spaced


def company_name(name: str, rng: random.Random) -> str:
    """A haulier name as a clerk writes it: legal suffix varied, case sometimes changed.

    Examples
    --------
    >>> company_name("Harbour Freight Ltd", random.Random(3)) in {
    ...     "Harbour Freight Ltd", "Harbour Freight Limited", "HARBOUR FREIGHT LTD",
    ...     "Harbour Freight Ltd.", "HARBOUR FREIGHT LIMITED", "Harbour Freight LTD"}
    True
    """
    for suffix in (" Limited", " Ltd.", " Ltd", " LTD"):
        if name.endswith(suffix):
            name = name[: -len(suffix)] + rng.choice([" Ltd", " Limited", " LTD", " Ltd."])
            break
    return name.upper() if rng.random() < 0.25 else name


def timestamp_text(moment: dt.datetime, rng: random.Random) -> str:
    """A timestamp as ISO 8601 (naive London, with ``Z``, or with offset) or UK style.

    Examples
    --------
    >>> t = dt.datetime(2025, 3, 1, 2, 14, tzinfo=dt.UTC)
    >>> sorted({timestamp_text(t, random.Random(i)) for i in range(50)})
    ['01/03/2025 02:14', '2025-03-01T02:14:00', '2025-03-01T02:14:00+00:00', '2025-03-01T02:14:00Z']
    """
    local = moment.astimezone(LONDON)
    roll = rng.random()
    if roll < 0.4:
        return local.strftime("%Y-%m-%dT%H:%M:%S")
    if roll < 0.6:
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if roll < 0.7:
        return local.isoformat(timespec="seconds")
    return local.strftime("%d/%m/%Y %H:%M")


def date_text(day: dt.date, rng: random.Random) -> str:
    """A date as ISO ``2025-03-01`` or UK ``01/03/2025``."""
    return day.isoformat() if rng.random() < 0.5 else day.strftime("%d/%m/%Y")


def locode_text(code: str, rng: random.Random) -> str:
    """A UN/LOCODE as written: ``GBDVR``, ``GB DVR`` or ``gbdvr``."""
    roll = rng.random()
    if roll < 0.15:
        return f"{code[:2]} {code[2:]}"
    if roll < 0.25:
        return code.lower()
    return code
