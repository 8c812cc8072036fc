"""Generate a whole synthetic world into a folder: every source file plus ``truth.json``."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from ocgmap import __version__
from ocgmap.errors import InputError
from ocgmap.normalise import company as company_key
from ocgmap.normalise import person as person_key
from ocgmap.synth import background as bg
from ocgmap.synth import files
from ocgmap.synth.events import Crossing, MappedMember, Sighting, Subject
from ocgmap.synth.groups import Ctx, build_groups
from ocgmap.synth.ids import Ids
from ocgmap.synth.model import Group
from ocgmap.synth.people import Factory
from ocgmap.synth.registers import write_companies_house, write_operator_licences, write_psc
from ocgmap.synth.truth import GroupTruth, PersonId, Truth
from ocgmap.synth.world import World, build_background

__all__ = ["FILES", "Progress", "generate"]

T = TypeVar("T")

#: Every file a world has, in the order they are written.
FILES = (
    "companies_house.csv",
    "psc.jsonl",
    "operator_licences.csv",
    "detections.csv",
    "referrals.csv",
    "crossings.csv",
    "anpr.csv",
    "calls.csv",
    "subscribers.csv",
    "ocgm.csv",
)

#: Called with a file name and the number of rows written since the last call.
Progress = Callable[[str, int], None]

YEAR = 2025
LICENCE_FAULTS = 3


def _rng(seed: int, scale: float, part: str) -> random.Random:
    return random.Random(f"ocgmap-synth:{seed}:{scale!r}:{part}")


def _counted(items: Iterable[T], name: str, progress: Progress | None) -> Iterator[T]:
    pending = 0
    for item in items:
        yield item
        pending += 1
        if progress and pending == 5000:
            progress(name, pending)
            pending = 0
    if progress and pending:
        progress(name, pending)


def _interleave(
    rng: random.Random, main: Iterable[T], extra: list[T], expected: int
) -> Iterator[T]:
    """Spread ``extra`` items through ``main`` at random places; leftovers go last."""
    chance = len(extra) / max(1, expected)
    queue = list(extra)
    for item in main:
        yield item
        if queue and rng.random() < chance:
            yield queue.pop(0)
    yield from queue


def _noise_ocgs(make: Factory, ids: Ids, rng: random.Random, scale: float) -> list[Group]:
    """OCGs mapped for other threats, whose members play no part in this world."""
    out = []
    for i in range(max(2, round(5 * scale))):
        group = Group(f"N{i + 1:03d}", "other_threat", "Mapped for another threat")
        group.ocg_ref, group.ocg_name = ids.ref("OCG-", 5), f"Op Other {i + 1}"
        group.current_band, group.lead_agency = rng.choice(["2B", "2C", "3A", "1C"]), "Kent Police"
        group.graded_on, group.threat_type = (
            dt.date(YEAR - 1, rng.randint(1, 12), 1),
            rng.choice(["DRUGS", "MSHT", "ACQUISITIVE"]),
        )
        for role in ("PRINCIPAL", "SIGNIFICANT", "PERIPHERAL"):
            person = make.person(rng.choice(["GB", "AL"]), born=(1970, 2000))
            group.events.mapping.append(
                MappedMember(Subject("PERSON", person.name, person.dob), role)
            )
        out.append(group)
    return out


def _group_truth(group: Group) -> GroupTruth:
    companies = [h.company for h in group.hauliers]
    return GroupTruth(
        group_id=group.group_id,
        archetype=group.archetype,
        description=group.description,
        decoy=group.decoy,
        ocg_ref=group.ocg_ref,
        current_band=group.current_band,
        mapped_members=group.mapped_members,
        should_challenge=group.should_challenge,
        vrms=[v.vrm for v in group.vehicles],
        trailer_ids=[t.trailer_id for t in group.trailers],
        phones=list(dict.fromkeys(group.phones)),
        people=[
            PersonId(name=person_key(p.name) or p.name, dob=p.dob.isoformat()) for p in group.people
        ],
        hauliers=[company_key(c.name) or c.name for c in companies],
        company_numbers=[c.number for c in companies if c.number],
    )


def generate(
    out: Path, seed: int = 0, scale: float = 1.0, progress: Progress | None = None
) -> Truth:
    """Write a synthetic OIC world into ``out`` and return (and write) its ground truth.

    Parameters
    ----------
    out : pathlib.Path
        Folder to write into (created if missing); existing files of the same names are
        replaced.
    seed : int
        Same seed and scale give byte-identical files.
    scale : float
        1.0 is roughly one region's year: about 250 hauliers, 50,000 crossings; every
        archetype is planted ``max(1, round(scale))`` times.
    progress : callable, optional
        ``progress(file_name, rows)`` is called as rows are written.

    Returns
    -------
    Truth
        The ground truth, also written to ``out/truth.json``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> truth = generate(pathlib.Path(tempfile.mkdtemp()), seed=1, scale=0.05)
    >>> sorted({g.archetype for g in truth.groups})[:3]
    ['broker', 'decoy_formation_agent', 'decoy_large_fleet']
    >>> truth.files["detections.csv"].quarantine
    3
    """
    if not scale > 0:
        raise InputError(f"The 'scale' parameter must be > 0. Got {scale!r} instead.")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"Cannot write the synthetic world to {out}: {exc.strerror}.") from exc
    ids = Ids(_rng(seed, scale, "ids"))
    make = Factory(_rng(seed, scale, "world"), ids)
    world = World(dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
    build_background(make, ids, world, scale)
    build_groups(Ctx(_rng(seed, scale, "groups"), ids, make, world), scale)
    noise = _noise_ocgs(make, ids, _rng(seed, scale, "noise"), scale)
    truth = Truth(
        generator=f"ocgmap {__version__}",
        seed=seed,
        scale=scale,
        start=world.start.isoformat(),
        end=world.end.isoformat(),
    )
    _write_all(out, world, noise, truth, ids, seed, scale, progress)
    truth.groups = [_group_truth(g) for g in world.groups]
    (out / "truth.json").write_text(truth.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return truth


def _write_all(
    out: Path,
    world: World,
    noise: list[Group],
    truth: Truth,
    ids: Ids,
    seed: int,
    scale: float,
    progress: Progress | None,
) -> None:
    def rng(part: str) -> random.Random:
        return _rng(seed, scale, part)

    def count(items: Iterable[T], name: str) -> Iterator[T]:
        return _counted(items, name, progress)

    companies = [h.company for h in world.hauliers]
    truth.files["companies_house.csv"] = write_companies_house(
        out / "companies_house.csv",
        count(companies, "companies_house.csv"),
        rng("ch"),
        snapshot_on=world.end,
    )
    truth.files["psc.jsonl"] = write_psc(
        out / "psc.jsonl", count(companies, "psc.jsonl"), rng("psc"), snapshot_on=world.end
    )
    truth.files["operator_licences.csv"] = write_operator_licences(
        out / "operator_licences.csv",
        count(companies, "operator_licences.csv"),
        rng("ol"),
        faults=LICENCE_FAULTS,
    )
    events = [g.events for g in world.groups]
    detections = list(bg.background_detections(rng("det"), ids, world, max(3, round(120 * scale))))
    detections += [d for e in events for d in e.detections]
    detections.sort(key=lambda d: (d.at, d.ref))
    truth.files["detections.csv"] = files.write_detections(
        out / "detections.csv", count(detections, "detections.csv"), rng("det-out")
    )
    referrals = list(
        bg.background_referrals(
            rng("ref"), ids, world, max(3, round(50 * scale)), [d.ref for d in detections]
        )
    )
    referrals += [r for e in events for r in e.referrals]
    referrals.sort(key=lambda r: (r.at, r.ref))
    truth.files["referrals.csv"] = files.write_referrals(
        out / "referrals.csv", count(referrals, "referrals.csv"), rng("ref-out")
    )
    extra_traffic: list[tuple[Crossing | None, list[Sighting]]]
    extra_traffic = [(c, []) for e in events for c in e.crossings]
    extra_traffic += [(None, [s]) for e in events for s in e.sightings]
    expected = sum(len(h.vehicles) for h in world.international()) * 24
    traffic = _interleave(
        rng("mix-cross"), bg.crossings(rng("cross"), ids, world), extra_traffic, expected
    )
    truth.files["crossings.csv"], truth.files["anpr.csv"] = files.write_crossings(
        out / "crossings.csv", out / "anpr.csv", count(traffic, "crossings.csv"), rng("cross-out")
    )
    group_calls = [c for e in events for c in e.calls]
    calls = _interleave(
        rng("mix-calls"),
        bg.calls(rng("calls"), world),
        group_calls,
        sum(len(h.drivers) for h in world.hauliers) * 8,
    )
    truth.files["calls.csv"] = files.write_calls(
        out / "calls.csv", count(calls, "calls.csv"), rng("calls-out")
    )
    subs = _interleave(
        rng("mix-subs"),
        bg.attributions(rng("subs"), world),
        [a for e in events for a in e.attributions],
        100,
    )
    truth.files["subscribers.csv"] = files.write_subscribers(
        out / "subscribers.csv", count(subs, "subscribers.csv"), rng("subs-out")
    )
    mapped = [g for g in world.groups if g.ocg_ref] + noise
    rng("ocgm").shuffle(mapped)
    truth.files["ocgm.csv"] = files.write_ocgm(out / "ocgm.csv", mapped, rng("ocgm-out"))
