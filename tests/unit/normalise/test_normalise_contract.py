"""The contract every identifier normaliser keeps (hypothesis property tests)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocgmap.errors import NormaliseError
from ocgmap.normalise import (
    address,
    company,
    company_number,
    country,
    date,
    locode,
    operator_licence,
    partial_date,
    person,
    phone,
    postcode,
    timestamp,
    trailer_id,
    vrm,
)

Normaliser = Callable[[str | None], str | None]

PROPERTY = settings(max_examples=200, deadline=None, database=None)
# 12 normalisers share this one; 100 each keeps the suite fast (20,000 each passed offline).
CONTRACT = settings(max_examples=100, deadline=None, database=None)

# Text that often *is* valid for a normaliser, so idempotence is exercised on real output
# and not only on errors.
_DIGITS = "0123456789"


def _joined(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(*parts).map("".join)


_NEAR_VALID: dict[Normaliser, st.SearchStrategy[str]] = {
    vrm: st.text(alphabet="abcXYZ0189 -.éŁ", max_size=20),
    trailer_id: st.text(alphabet="abcXYZ0189 -.", max_size=20),
    phone: _joined(
        st.sampled_from(["+44", "+48", "0048", "00", "0", ""]),
        st.text(alphabet=_DIGITS + " ", min_size=5, max_size=14),
    ),
    company: st.text(alphabet="abc &.'-éŁ" + "LTDSPZOORLGMBH", max_size=30),
    person: st.text(alphabet="abc -'.,éŁøß" + "MRSDR", max_size=30),
    postcode: _joined(
        st.text(alphabet="SOeg1A", min_size=2, max_size=4),
        st.sampled_from(["", " "]),
        st.text(alphabet="3qlAB", min_size=3, max_size=3),
    ),
    locode: st.text(alphabet="gbdvrpufGBPF23 ", max_size=8),
    company_number: st.text(alphabet=_DIGITS + " SCRni", max_size=10),
    operator_licence: _joined(
        st.sampled_from("oO"),
        st.sampled_from("BbKZ"),
        st.sampled_from(["", " "]),
        st.text(alphabet=_DIGITS, max_size=9),
    ),
    country: st.sampled_from(["pl", "UK", "Polish", "United Kingdom", "türkiye", "xx", "gbr"]),
    address: st.text(alphabet="abc 12,.'-éŁ", max_size=30),
    partial_date: st.text(alphabet=_DIGITS + "-/", max_size=10),
}
NORMALISERS = list(_NEAR_VALID)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def _name(normalise: Normaliser) -> str:
    return normalise.__name__


def _texts(normalise: Normaliser) -> st.SearchStrategy[str]:
    return st.one_of(st.text(), _NEAR_VALID[normalise])


@pytest.mark.parametrize("normalise", NORMALISERS, ids=_name)
@pytest.mark.parametrize("blank", [None, "", "   ", "\t\n", "\ufeff", "\u200b "])
def test_missing_values_give_none(normalise: Normaliser, blank: str | None) -> None:
    assert normalise(blank) is None


@pytest.mark.parametrize("normalise", NORMALISERS, ids=_name)
@CONTRACT
@given(data=st.data())
def test_gives_str_or_normalise_error_and_is_idempotent(
    normalise: Normaliser, data: st.DataObject
) -> None:
    text = data.draw(_texts(normalise))
    try:
        once = normalise(text)
    except NormaliseError as exc:
        assert exc.kind and exc.reason
        return
    if once is None:
        assert not text.translate(_INVISIBLE).strip()
        return
    assert isinstance(once, str)
    assert normalise(once) == once


@PROPERTY
@given(text=st.text())
def test_timestamp_and_date_raise_only_normalise_error(text: str) -> None:
    for parse in (timestamp, date):
        try:
            parse(text)
        except NormaliseError:
            pass


_MOMENTS = st.datetimes(
    min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)
) | st.datetimes(
    min_value=dt.datetime(1, 1, 2),
    max_value=dt.datetime(9999, 12, 30),
    timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=5, minutes=30))]),
)


@PROPERTY
@given(moment=_MOMENTS, style=st.sampled_from(["iso", "uk", "uk_date"]))
def test_timestamp_is_idempotent_on_its_iso_form(moment: dt.datetime, style: str) -> None:
    if style == "iso":
        text = moment.isoformat()
    elif style == "uk":
        text = f"{moment.day:02d}/{moment.month:02d}/{moment.year:04d} {moment:%H:%M:%S}"
    else:
        text = f"{moment.day}/{moment.month}/{moment.year:04d}"
    once = timestamp(text)
    assert once is not None
    assert once.utcoffset() == dt.timedelta(0)
    assert timestamp(once.isoformat()) == once


@PROPERTY
@given(day=st.dates(), uk=st.booleans())
def test_date_is_idempotent_on_its_iso_form(day: dt.date, uk: bool) -> None:
    text = f"{day.day:02d}/{day.month:02d}/{day.year:04d}" if uk else day.isoformat()
    once = date(text)
    assert once == day
    assert date(once.isoformat()) == once
