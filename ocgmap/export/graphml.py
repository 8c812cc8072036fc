"""The target package as a network: ``network.graphml`` for Gephi, yEd and networkx.

Nodes are the package's subjects and events, with id ``<Label>:<key>``; edges are its
links, directed from start to end, with ids ``LINK-0001`` onwards (the same ids as the
spreadsheet's Links sheet and the i2 links file). Attributes have one GraphML type each
and a missing value is left out, never written as an empty or zero value:

========================  ======  =====================================================
node attribute            type    meaning
========================  ======  =====================================================
``label``                 string  display text (name, else key); Gephi's node label
``entity_type``           string  the graph label: Person, Haulier, ..., Detection
``key``                   string  the ocgmap key
``name``                  string  the name, when there is one
``first_seen``            string  ISO 8601, UTC
``last_seen``             string  ISO 8601, UTC
``event_date``            string  when an event happened (detected, crossed, reported)
``key_player_score``      double  only for key players
``grading``               string  intelligence grading, e.g. ``2B`` (referrals)
``handling_code``         string  its handling code
``source_count``          int     provenance tokens behind the node
``provenance``            string  ``<load id>:<file>#<row>`` tokens, ``; ``-separated
========================  ======  =====================================================

Edge attributes are ``link_type`` (``DROVE``, ``CALLED``, ...), ``link_first_seen``,
``link_last_seen``, ``link_grading``, ``link_handling_code``, ``link_source_count`` and
``link_provenance``. They are named apart from the node attributes because the keys are
written with readable ids (``named_key_ids``) and GraphML key ids must be unique; readable
ids also keep Gephi from taking the yEd default ids ``d3`` and ``d7`` as labels. The
graph carries ``marking``, ``cluster_id``, ``run_id`` and ``data_hash``.

In yEd, map ``label`` to the node label with Edit > Properties Mapper. Node ids keep the
``<Label>:<key>`` form used by every export (so they may hold spaces and ``|``, which the
GraphML schema's NMTOKEN type does not allow; Gephi, yEd and networkx read them without
validating against the schema).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

from ocgmap.export._flat import (
    clean,
    display_name,
    event_time,
    grading_of,
    iso,
    link_ids,
    provenance,
)
from ocgmap.export.package import ENTITY_LABELS, Link, Subject, TargetPackage

__all__ = ["network", "write_graphml"]

_ENTITIES = frozenset(str(label) for label in ENTITY_LABELS)


def _present(values: dict[str, Any]) -> dict[str, Any]:
    """The attributes that have a value (GraphML has no null; absent means unknown)."""
    return {k: v for k, v in values.items() if v is not None and v != ""}


def _node_attributes(subject: Subject) -> dict[str, Any]:
    grade, code, _ = grading_of(subject.properties)
    return _present(
        {
            "label": display_name(subject),
            "entity_type": subject.label,
            "key": clean(subject.key),
            "name": clean(subject.name) if subject.name else None,
            "first_seen": iso(subject.first_seen),
            "last_seen": iso(subject.last_seen),
            "event_date": iso(event_time(subject)) if subject.label not in _ENTITIES else None,
            "key_player_score": (
                float(subject.key_player_score) if subject.key_player_score is not None else None
            ),
            "grading": grade,
            "handling_code": code,
            "source_count": len(subject.sources),
            "provenance": provenance(subject.sources),
        }
    )


def _edge_attributes(link: Link) -> dict[str, Any]:
    grade, code, _ = grading_of(link.properties)
    return _present(
        {
            "link_type": link.type,
            "link_first_seen": iso(link.first_seen),
            "link_last_seen": iso(link.last_seen),
            "link_grading": grade,
            "link_handling_code": code,
            "link_source_count": len(link.sources),
            "link_provenance": provenance(link.sources),
        }
    )


def network(package: TargetPackage) -> nx.MultiDiGraph:
    """The package as a directed multigraph: subjects and events, joined by its links.

    Nodes are added in id order and edges in link order, so the same package always gives
    the same graph, attribute for attribute.

    Parameters
    ----------
    package : TargetPackage
        The assembled package.

    Returns
    -------
    networkx.MultiDiGraph
        One node per subject and event, one edge (keyed by its link id) per link.
    """
    graph = nx.MultiDiGraph(
        marking=package.marking,
        cluster_id=package.cluster.cluster_id,
        run_id=package.run_id,
        data_hash=package.data_hash,
    )
    for subject in sorted([*package.subjects, *package.events], key=lambda s: s.id):
        graph.add_node(clean(subject.id), **_node_attributes(subject))
    for link_id, link in link_ids(package):
        graph.add_edge(
            clean(link.source), clean(link.target), key=link_id, **_edge_attributes(link)
        )
    return graph


def write_graphml(package: TargetPackage, path: Path) -> Path:
    """Write the package's network as GraphML (``network.graphml``).

    Parameters
    ----------
    package : TargetPackage
        The assembled package; only what it holds is written.
    path : Path
        Where to write the file (its folder must exist).

    Returns
    -------
    Path
        ``path``.

    Notes
    -----
    Written by :func:`networkx.write_graphml` with readable key ids; the module docstring
    lists the attributes and their types. Reading it back with
    :func:`networkx.read_graphml` gives one node per subject and event and one edge per
    link. The export time is not in the file, so the same package gives the same bytes.

    See Also
    --------
    ocgmap.export.run.write_package : writes every file of a package, with its manifest.
    """
    nx.write_graphml(network(package), path, encoding="utf-8", named_key_ids=True)
    return path
