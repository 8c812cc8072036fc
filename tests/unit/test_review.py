"""Review decisions: the rules a decision must meet and the line the challenge list shows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from ocgmap.config import Settings, band_scheme
from ocgmap.errors import InputError
from ocgmap.review import (
    Decision,
    ReviewDecision,
    add_review_column,
    describe,
    parse_review,
)

WHEN = dt.datetime(2026, 3, 12, 9, 30, tzinfo=dt.UTC)


def _review(**fields: Any) -> ReviewDecision:
    base: dict[str, Any] = {"cluster_id": "C-00012", "user": "J Smith", "decided_at": WHEN}
    return ReviewDecision.model_validate({**base, **fields})


def test_accept_needs_a_band_of_the_scheme_and_normalises_it() -> None:
    review = _review(decision="accept", proposed_band=" 2b ")
    assert review.decision is Decision.ACCEPT and review.proposed_band == "2B"
    with pytest.raises(ValidationError, match="needs a proposed band"):
        _review(decision="accept")
    with pytest.raises(ValidationError, match="needs a proposed band"):
        _review(decision="accept", proposed_band="   ")


def test_a_band_outside_the_scheme_is_refused_with_the_valid_codes() -> None:
    with pytest.raises(ValidationError) as caught:
        _review(decision="accept", proposed_band="4Z")
    message = str(caught.value)
    assert "Got '4Z' instead" in message
    assert "{1A, 1B, 1C" in message and "UNGRADED}" in message


def test_a_configured_band_scheme_decides_the_valid_bands(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bands = tmp_path / "bands.yaml"
    bands.write_text("name: morile\nbands: [HIGH, MEDIUM, LOW]\nungraded: NONE\n")
    monkeypatch.setenv("OCGMAP_BANDS_FILE", str(bands))
    band_scheme.cache_clear()
    try:
        assert _review(decision="accept", proposed_band="high").proposed_band == "HIGH"
        with pytest.raises(ValidationError, match="Got '2B' instead"):
            _review(decision="accept", proposed_band="2B")
    finally:
        band_scheme.cache_clear()


def test_a_band_proposed_under_an_earlier_scheme_stays_readable() -> None:
    stored = ReviewDecision.model_validate(
        {
            "cluster_id": "C-00012",
            "decision": "accept",
            "proposed_band": "MEDIUM",
            "user": "J Smith",
            "decided_at": WHEN,
        },
        context={"stored": True},
    )
    assert stored.proposed_band == "MEDIUM"


def test_reject_and_more_intelligence_need_a_reason_and_take_no_band() -> None:
    with pytest.raises(ValidationError, match="rejected cluster needs a reason"):
        _review(decision="reject", reason="  ")
    with pytest.raises(ValidationError, match="must say what is needed"):
        _review(decision="more_intelligence")
    with pytest.raises(ValidationError, match="Only an accepted cluster takes a proposed band"):
        _review(decision="reject", reason="one-off", proposed_band="2B")
    assert _review(decision="more_intelligence", reason="PNC on driver").reason == "PNC on driver"


def test_user_and_cluster_must_not_be_empty_and_time_must_be_aware() -> None:
    with pytest.raises(ValidationError, match="reviewer's name"):
        _review(decision="reject", reason="x", user="  ")
    with pytest.raises(ValidationError, match="cluster id"):
        _review(decision="reject", reason="x", cluster_id="")
    with pytest.raises(ValidationError, match="timezone"):
        _review(decision="reject", reason="x", decided_at=dt.datetime(2026, 3, 12))
    with pytest.raises(ValidationError, match="decision"):
        _review(decision="maybe", reason="x")


def test_time_defaults_to_now_in_utc_and_is_kept_in_utc() -> None:
    before = dt.datetime.now(dt.UTC)
    review = ReviewDecision(cluster_id="C-1", decision=Decision.REJECT, reason="x", user="J")
    assert before <= review.decided_at <= dt.datetime.now(dt.UTC)
    paris = dt.timezone(dt.timedelta(hours=1))
    shifted = _review(decision="reject", reason="x", decided_at=WHEN.astimezone(paris))
    assert shifted.decided_at.utcoffset() == dt.timedelta(0)
    assert shifted.key == _review(decision="reject", reason="x").key


def test_key_and_source_are_deterministic() -> None:
    review = _review(decision="reject", reason="one-off")
    assert review.key == "C-00012|2026-03-12T09:30:00+00:00|J Smith"
    assert review.source == "review:J Smith@2026-03-12T09:30:00+00:00"
    assert _review(decision="reject", reason="other").key == review.key


def test_parse_review_lists_the_problems_in_one_input_error() -> None:
    with pytest.raises(InputError) as caught:
        parse_review({"cluster_id": "C-00012", "decision": "maybe", "user": ""})
    message = str(caught.value)
    assert message.startswith("The review of C-00012 was not recorded:")
    assert "reviewer's name" in message and "decision: Input should be 'accept'" in message
    with pytest.raises(InputError, match="not recorded: A rejected cluster needs a reason"):
        parse_review({"cluster_id": "C-00012", "decision": "reject", "user": "J"})
    with pytest.raises(InputError, match="not recorded: user: Field required"):
        parse_review({"cluster_id": "C-00012", "decision": "accept", "proposed_band": "1c"})
    good = parse_review(
        {"cluster_id": "C-00012", "decision": "accept", "proposed_band": "1c", "user": "J"}
    )
    assert good.proposed_band == "1C" and good.run_id is None


def test_describe() -> None:
    accepted = _review(decision="accept", proposed_band="2B")
    assert describe(accepted) == "reviewed 12/03/2026 by J Smith: accepted, proposed 2B"
    noted = _review(decision="accept", proposed_band="2B", reason="agree with\nthe score")
    assert describe(noted).endswith("accepted, proposed 2B: agree with the score")
    rejected = _review(decision="reject", reason="one-off incident")
    assert describe(rejected) == "reviewed 12/03/2026 by J Smith: rejected: one-off incident"
    more = _review(decision="more_intelligence", reason="PNC check on the driver")
    assert describe(more) == (
        "reviewed 12/03/2026 by J Smith: more intelligence requested: PNC check on the driver"
    )


def test_add_review_column_leaves_unreviewed_clusters_empty() -> None:
    rows = [{"cluster": "C-00001", "rank": 1}, {"cluster": "C-00002", "rank": 2}]
    review = _review(cluster_id="C-00002", decision="accept", proposed_band="2B")
    out = add_review_column(rows, {"C-00002": review})
    assert [r["review"] for r in out] == ["", describe(review)]
    assert out[0]["rank"] == 1 and "review" not in rows[0]


def test_settings_user_comes_from_ocgmap_user_else_the_login(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OCGMAP_USER", " J Smith ")
    assert Settings().user == "J Smith"
    monkeypatch.delenv("OCGMAP_USER")
    monkeypatch.setenv("LOGNAME", "jsmith")
    assert Settings().user == "jsmith"
