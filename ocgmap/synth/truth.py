"""The ground truth of a synthetic world, written as ``truth.json`` beside its files."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["BadRow", "FileTruth", "GroupTruth", "PersonId", "Truth"]


class BadRow(BaseModel):
    """A row planted to break formats.md, which a loader must quarantine.

    ``row`` counts records as a spreadsheet shows them: in a CSV the header is row 1 and the
    first data row is row 2; in JSON lines the first line is row 1.
    """

    row: int
    field: str
    reason: str


class FileTruth(BaseModel):
    """What one generated file holds."""

    rows: int = 0
    quarantine: int = 0
    bad_rows: list[BadRow] = Field(default_factory=list)


class PersonId(BaseModel):
    """A person as the analysis should identify them."""

    name: str
    dob: str


class GroupTruth(BaseModel):
    """A planted group or decoy and its identifiers (all normalised)."""

    group_id: str
    archetype: str
    description: str
    decoy: bool = False
    ocg_ref: str | None = None
    current_band: str
    mapped_members: str = Field(description="none, part or all")
    should_challenge: bool
    vrms: list[str] = Field(default_factory=list)
    trailer_ids: list[str] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)
    people: list[PersonId] = Field(default_factory=list)
    hauliers: list[str] = Field(default_factory=list)
    company_numbers: list[str] = Field(default_factory=list)


class Truth(BaseModel):
    """Everything a test needs to check loaders and analysis against a synthetic world."""

    generator: str
    seed: int
    scale: float
    start: str
    end: str
    files: dict[str, FileTruth] = Field(default_factory=dict)
    groups: list[GroupTruth] = Field(default_factory=list)
