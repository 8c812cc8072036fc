"""Person candidates: which same-name pairs become ``POSSIBLY_SAME`` lines of enquiry."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from ocgmap.resolve import COMMON_NAME_PEOPLE, Candidate, person_candidates


def _dated(name: str, count: int) -> list[str]:
    return [f"{name}|19{60 + n // 12:02d}-{n % 12 + 1:02d}-15" for n in range(count)]


def _every_pair(keys: list[str]) -> list[tuple[str, str, str]]:
    """What the rules accept, by comparing every same-name pair (the slow, plain way)."""
    out = []
    by_name: dict[str, list[str]] = {}
    for key in sorted(set(keys)):
        by_name.setdefault(key.rpartition("|")[0], []).append(key)
    for group in by_name.values():
        dated = [k for k in group if not k.rpartition("|")[2].startswith("?")]
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                da, db = a.rpartition("|")[2], b.rpartition("|")[2]
                if da.startswith("?") != db.startswith("?"):
                    if len(dated) <= COMMON_NAME_PEOPLE:
                        out.append((a, b, "name_only"))
                    continue
                short, full = sorted((da, db), key=len)
                if len(short) == 7 and len(full) == 10 and full.startswith(short):
                    out.append((a, b, "dob_month"))
    return out


def _found(candidates: list[Candidate]) -> list[tuple[str, str, str]]:
    return [(c.a, c.b, c.method) for c in candidates]


def test_a_name_without_a_date_of_birth_points_at_each_of_few_dated_people() -> None:
    keys = [*_dated("ANNA NOWAK", COMMON_NAME_PEOPLE), "ANNA NOWAK|?CH:01234567"]
    found = list(person_candidates(keys))
    assert Counter(c.method for c in found) == {"name_only": COMMON_NAME_PEOPLE}
    assert all("ANNA NOWAK|?CH:01234567" in (c.a, c.b) for c in found)
    assert {c.score for c in found} == {0.5}


def test_a_common_name_gets_no_name_only_candidates_but_keeps_its_date_matches() -> None:
    keys = [
        *_dated("JOHN SMITH", COMMON_NAME_PEOPLE + 1),
        "JOHN SMITH|?CH:01234567",
        "JOHN SMITH|?CH:07654321",
        "JOHN SMITH|1960-01",  # PSC: month and year of the first dated key
    ]
    found = list(person_candidates(keys))
    assert _found(found) == [("JOHN SMITH|1960-01", "JOHN SMITH|1960-01-15", "dob_month")]
    assert found[0].score == 0.9


def test_two_mentions_without_a_date_of_birth_are_not_candidates() -> None:
    assert list(person_candidates(["LEE THOMAS|?CH:1", "LEE THOMAS|?CH:2"])) == []


_names = st.sampled_from(["ANNA NOWAK", "JOHN SMITH", "LEE THOMAS"])
_dobs = st.one_of(
    st.builds(lambda m, d: f"1980-{m:02d}-{d:02d}", st.integers(1, 3), st.integers(1, 3)),
    st.builds(lambda m: f"1980-{m:02d}", st.integers(1, 3)),
    st.builds(lambda c: f"?CH:{c}", st.integers(1, 4)),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_names, _dobs), max_size=3 * (COMMON_NAME_PEOPLE + 4)))
def test_candidates_are_what_comparing_every_pair_gives_in_the_same_order(
    people: list[tuple[str, str]],
) -> None:
    keys = [f"{name}|{dob}" for name, dob in people]
    assert _found(list(person_candidates(keys))) == _every_pair(keys)
