"""Review dates: start date plus the retention period, 29 February handled, set by env."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ocgmap.config import Settings
from ocgmap.retention import is_due, review_date


@pytest.mark.parametrize(
    ("started", "years", "due"),
    [
        (dt.date(2025, 3, 1), 6, dt.date(2031, 3, 1)),
        (dt.date(2024, 2, 29), 6, dt.date(2030, 2, 28)),  # no 29 February in 2030
        (dt.date(2024, 2, 29), 4, dt.date(2028, 2, 29)),
        (dt.date(2023, 12, 31), 1, dt.date(2024, 12, 31)),
        (dt.date(2025, 3, 1), 0, dt.date(2025, 3, 1)),
    ],
)
def test_review_date(started: dt.date, years: int, due: dt.date) -> None:
    assert review_date(started, years) == due


def test_review_date_of_a_datetime_is_its_day() -> None:
    at = dt.datetime(2024, 2, 29, 23, 59, tzinfo=dt.UTC)
    assert review_date(at, 1) == dt.date(2025, 2, 28)


def test_negative_years_are_refused() -> None:
    with pytest.raises(ValueError, match="'years'"):
        review_date(dt.date(2025, 3, 1), -1)


def test_due_on_and_after_the_date() -> None:
    day = dt.date(2031, 3, 1)
    assert [
        is_due(day, day - dt.timedelta(days=1)),
        is_due(day, day),
        is_due(day, day.replace(year=2032)),
    ] == [False, True, True]


def test_retention_years_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OCGMAP_RETENTION_YEARS", raising=False)
    assert Settings().ocgmap_retention_years == 6
    monkeypatch.setenv("OCGMAP_RETENTION_YEARS", "10")
    assert Settings().ocgmap_retention_years == 10
    monkeypatch.setenv("OCGMAP_RETENTION_YEARS", "-1")
    with pytest.raises(ValueError, match="retention_years"):
        Settings()
