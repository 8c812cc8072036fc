"""Tests for ocgmap.normalise.dates."""

from __future__ import annotations

import datetime as dt

import pytest

from ocgmap.errors import NormaliseError
from ocgmap.normalise import date, partial_date, timestamp

UTC = dt.UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # formats.md: ISO 8601 with or without Z/offset; naive = Europe/London
        ("2025-03-01T02:14:00", dt.datetime(2025, 3, 1, 2, 14, tzinfo=UTC)),  # GMT
        ("2025-07-01T02:14:00", dt.datetime(2025, 7, 1, 1, 14, tzinfo=UTC)),  # BST
        ("2025-07-01T02:14:00Z", dt.datetime(2025, 7, 1, 2, 14, tzinfo=UTC)),
        ("2025-07-01T02:14:00+02:00", dt.datetime(2025, 7, 1, 0, 14, tzinfo=UTC)),
        ("2025-03-01 02:14", dt.datetime(2025, 3, 1, 2, 14, tzinfo=UTC)),
        ("2025-03-01", dt.datetime(2025, 3, 1, tzinfo=UTC)),
        # formats.md: UK style, day first
        ("01/03/2025 02:14", dt.datetime(2025, 3, 1, 2, 14, tzinfo=UTC)),
        ("01/03/2025", dt.datetime(2025, 3, 1, tzinfo=UTC)),
        ("1/7/2025 02:14:30", dt.datetime(2025, 7, 1, 1, 14, 30, tzinfo=UTC)),
        ("12/01/2025", dt.datetime(2025, 1, 12, tzinfo=UTC)),  # never US order
    ],
)
def test_timestamp(text: str, expected: dt.datetime) -> None:
    result = timestamp(text)
    assert result == expected
    assert result is not None and result.tzinfo is UTC


def test_timestamp_accepts_datetime_and_date_objects() -> None:
    assert timestamp(dt.datetime(2025, 7, 1, 2, 14)) == dt.datetime(2025, 7, 1, 1, 14, tzinfo=UTC)
    assert timestamp(dt.date(2025, 3, 1)) == dt.datetime(2025, 3, 1, tzinfo=UTC)


def test_timestamp_across_the_autumn_change_takes_the_first_hour() -> None:
    # 01:30 on 26 October 2025 happens twice in London; the earlier (BST) one is taken.
    assert timestamp("26/10/2025 01:30") == dt.datetime(2025, 10, 26, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "reason_start"),
    [
        ("31/02/2025", "is not a real date or time"),
        ("2025-13-01", "is not a real date or time"),
        ("01/03/2025 25:00", "is not a real date or time"),
        ("yesterday", "expected ISO 8601"),
        ("03-01-2025", "expected ISO 8601"),
        ("01/03/25", "expected ISO 8601"),
        ("0001-01-01T00:00:00+05:00", "is outside the years 1 to 9999"),
    ],
)
def test_timestamp_rejects(text: str, reason_start: str) -> None:
    with pytest.raises(NormaliseError) as info:
        timestamp(text)
    assert info.value.kind == "timestamp"
    assert info.value.reason.startswith(reason_start)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-01", dt.date(2025, 3, 1)),  # formats.md
        ("01/03/2025", dt.date(2025, 3, 1)),  # formats.md
        ("1/3/2025", dt.date(2025, 3, 1)),
        (dt.date(2025, 3, 1), dt.date(2025, 3, 1)),
        (dt.datetime(2025, 3, 1, 12, 0), dt.date(2025, 3, 1)),
        ("  ", None),
        (None, None),
    ],
)
def test_date(value: str | dt.date | None, expected: dt.date | None) -> None:
    assert date(value) == expected


@pytest.mark.parametrize(
    ("text", "reason_start"),
    [
        ("31/02/2025", "is not a real date or time"),
        ("2025-13-01", "is not a real date or time"),
        ("2025-03-01T02:14", "expected yyyy-mm-dd or dd/mm/yyyy"),
        ("March 1st", "expected yyyy-mm-dd or dd/mm/yyyy"),
    ],
)
def test_date_rejects(text: str, reason_start: str) -> None:
    with pytest.raises(NormaliseError) as info:
        date(text)
    assert info.value.kind == "date"
    assert info.value.reason.startswith(reason_start)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1977-02", "1977-02"),
        ("02/1977", "1977-02"),
        ("2/1977", "1977-02"),
        ("14/05/1980", "1980-05-14"),
        ("1980-05-14", "1980-05-14"),
        (dt.date(1980, 5, 14), "1980-05-14"),
        (None, None),
    ],
)
def test_partial_date(value: str | dt.date | None, expected: str | None) -> None:
    assert partial_date(value) == expected


@pytest.mark.parametrize("text", ["1977-13", "00/1977", "0000-05", "1977", "31/02/1980"])
def test_partial_date_rejects(text: str) -> None:
    with pytest.raises(NormaliseError):
        partial_date(text)
