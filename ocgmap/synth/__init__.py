"""Synthetic organised immigration crime worlds with ground truth (``ocgmap synth``).

Real police data cannot ship, so ocgmap makes its own: honest hauliers of very different
sizes with their crossings, ANPR reads, calls and public-register records; planted groups of
several modus operandi; decoys that must not be flagged; the mess real exports have; and a
documented set of rows that loaders must quarantine. ``docs/scenario.md`` describes it.
"""

from __future__ import annotations

from ocgmap.synth.generate import FILES, Progress, generate
from ocgmap.synth.truth import BadRow, FileTruth, GroupTruth, PersonId, Truth

__all__ = [
    "FILES",
    "BadRow",
    "FileTruth",
    "GroupTruth",
    "PersonId",
    "Progress",
    "Truth",
    "generate",
]
