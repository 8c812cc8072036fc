"""Intelligence referrals (formats.md §2): one row per subject, rows of one ref one referral."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import BeforeValidator, model_validator

from loaders import subjects
from loaders.base import GraphRow, RowContext, Source, SourceRow
from loaders.types import Code, Date, Text, Timestamp
from ocgmap.schema.labels import Label, RelType
from ocgmap.schema.models import Grading

__all__ = ["SOURCE", "ReferralRow", "to_graph"]

SOURCE_EVALUATIONS = ("1", "2", "3")
INTEL_ASSESSMENTS = ("A", "B", "C", "D", "E")
HANDLING_CODES = ("P", "C")
YES_NO = ("Y", "N")


def _whole_number_text(value: Any) -> Any:
    """A source evaluation read as a number (``.xlsx``, ``.jsonl``) is the code ``"1"``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


class ReferralRow(SourceRow):
    """One subject of an intelligence referral, with the referral's 3x5x2 grading.

    The 3x5x2 codes are checked as formats.md gives them; a legacy 5x5x5 grading (source
    evaluation ``A``-``E``) is not a valid referral row. ``subject_value`` is checked as the
    identifier ``subject_type`` names, and held clean (VRM, trailer id, phone and LOCODE
    normalised; names, addresses and places as written).
    """

    referral_ref: Text
    reported_at: Timestamp
    reporting_agency: Text
    nccu_ref: Text | None = None
    intel_submitted: Code(*YES_NO) | None = None  # type: ignore[valid-type]
    source_evaluation: Annotated[
        Code(*SOURCE_EVALUATIONS),  # type: ignore[valid-type]
        BeforeValidator(_whole_number_text),
    ]
    intel_assessment: Code(*INTEL_ASSESSMENTS)  # type: ignore[valid-type]
    handling_code: Code(*HANDLING_CODES)  # type: ignore[valid-type]
    handling_conditions: Text | None = None
    subject_type: Code(*subjects.SUBJECT_KINDS)  # type: ignore[valid-type]
    subject_value: Text
    subject_dob: Date | None = None
    detection_ref: Text | None = None
    summary: Text | None = None

    @model_validator(mode="after")
    def _subject_value(self) -> ReferralRow:
        clean = subjects.typed_value(self, "subject_type", "subject_value")
        object.__setattr__(self, "subject_value", clean)
        return self

    @property
    def grading(self) -> Grading:
        """The referral's 3x5x2 grading, with any handling conditions."""
        return Grading(
            source_evaluation=self.source_evaluation,
            intel_assessment=self.intel_assessment,
            handling_code=self.handling_code,
            handling_conditions=self.handling_conditions,
        )

    @property
    def submitted(self) -> bool | None:
        """Whether the intelligence document came with the referral (None: not stated)."""
        return None if self.intel_submitted is None else self.intel_submitted == "Y"


def to_graph(row: ReferralRow, ctx: RowContext) -> Iterator[GraphRow]:
    """The referral, the subject this row names, and the detection it is about.

    Every row re-emits the Referral node (the store merges it, adding this row's
    provenance); the CONCERNS and ABOUT relationships carry the referral's grading.
    """
    at, grading = row.reported_at, row.grading
    referral = ctx.node(
        Label.REFERRAL,
        row.referral_ref,
        seen_at=at,
        grading=grading,
        reported_at=at,
        reporting_agency=row.reporting_agency,
        nccu_ref=row.nccu_ref,
        intel_submitted=row.submitted,
        summary=row.summary,
    )
    yield referral
    subject = subjects.subject_node(
        ctx,
        row.subject_type,
        row.subject_value,
        row.subject_dob,
        row.referral_ref,
        raw=ctx.raw_text("subject_value"),
        seen_at=at,
    )
    if subject is not None:
        yield subject
        yield ctx.edge(RelType.CONCERNS, referral, subject, seen_at=at, grading=grading)
    if row.detection_ref:
        detection = ctx.node(Label.DETECTION, row.detection_ref)
        yield detection
        yield ctx.edge(RelType.ABOUT, referral, detection, seen_at=at, grading=grading)


SOURCE = Source(
    name="referrals",
    model=ReferralRow,
    to_graph=to_graph,
    patterns=("referrals*.csv", "referrals*.xlsx", "referrals*.jsonl", "intel*.csv"),
    order=70,
)
