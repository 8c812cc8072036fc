"""Where and when a cluster is active, and who reported it: what the challenge list filters on.

A reviewer narrows the list to one force or agency, one port, or a time window. The scope
of a cluster is read from the events touching its members: the agencies that reported its
detections and referrals, the ports of its detections and of its crossings' routes, and the
first and last of those events.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from ocgmap.analysis.features import ClusterView, Context

__all__ = ["Scope", "cluster_scope"]


class Scope(NamedTuple):
    """Agencies, ports (UN/LOCODE) and the first and last event of one cluster."""

    agencies: list[str]
    ports: list[str]
    first_event: dt.datetime | None
    last_event: dt.datetime | None


def _ports_of(ctx: Context, node: str) -> set[str]:
    return {str(ctx.typed.nodes[p]["key"]) for p in ctx.out(node, "AT") if ctx.label(p) == "Port"}


def cluster_scope(ctx: Context, view: ClusterView) -> Scope:
    """The scope of one cluster (sorted lists; no events gives empty lists and no dates)."""
    agencies: set[str] = set()
    ports: set[str] = set()
    for detection in view.detections:
        agencies.update(ctx.typed.nodes[detection].get("reporting_agencies") or ())
        ports |= _ports_of(ctx, detection)
    for referral in view.referrals:
        agency = ctx.typed.nodes[referral].get("reporting_agency")
        if agency:
            agencies.add(str(agency))
    routes = {r for c in view.crossings for r in ctx.out(c, "ON_ROUTE")}
    for route in routes:
        for end in ("FROM", "TO"):
            ports.update(str(ctx.typed.nodes[p]["key"]) for p in ctx.out(route, end))
    times = view.times(view.events)
    return Scope(
        agencies=sorted(agencies),
        ports=sorted(ports),
        first_event=times[0] if times else None,
        last_event=times[-1] if times else None,
    )
