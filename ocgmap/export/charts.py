"""The two charts of a target package, as PNG files drawn headlessly.

``network.png`` is the associations chart: every subject and event of the package, joined by
its links, coloured by label and sized by key-player score. ``timeline.png`` places the
package's dated events on one row per kind. Both are drawn with matplotlib's Agg renderer on a
:class:`~matplotlib.figure.Figure` (no pyplot, no display), with a fixed layout seed and no
software tag in the PNG, so the same package always gives the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import matplotlib as mpl
import networkx as nx
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ocgmap.export.package import Subject, TargetPackage
from ocgmap.layout import spring_positions

__all__ = [
    "LABEL_COLOURS",
    "NETWORK_PNG",
    "TIMELINE_PNG",
    "Charts",
    "short_label",
    "write_charts",
]

NETWORK_PNG = "network.png"
TIMELINE_PNG = "timeline.png"

#: Colour per label (Okabe-Ito, readable by most colour-blind readers); others are grey.
LABEL_COLOURS: dict[str, str] = {
    "Person": "#D55E00",
    "Haulier": "#0072B2",
    "Vehicle": "#009E73",
    "Trailer": "#56B4E9",
    "Phone": "#CC79A7",
    "Address": "#E69F00",
    "Detection": "#000000",
    "Referral": "#7F3C8D",
    "Crossing": "#999999",
}
_OTHER_COLOUR = "#BBBBBB"
#: Events are drawn as squares, subjects as circles.
_EVENT_MARKER = "s"
_SUBJECT_MARKER = "o"

#: Colour per timeline kind (the rows of the timeline chart, top to bottom).
_KIND_COLOURS: dict[str, str] = {
    "detection": "#000000",
    "crossing": "#999999",
    "referral": "#7F3C8D",
    "calls": "#CC79A7",
    "sighting": "#009E73",
}

#: The layout seed: the same package always gives the same chart.
SEED = 7
_DPI = 150
#: Above this many nodes only the most important ones are labelled.
_LABELLED = 60
_LABEL_CHARS = 26
#: Above this many links the relationship types are not written on them.
_LABELLED_EDGES = 40
#: Kamada-Kawai (tidier, quadratic memory) up to this many nodes, a seeded spring above.
_KAMADA_KAWAI_MAX = 300
#: Above this many events the timeline is not annotated with references.
_ANNOTATED_EVENTS = 25
#: PNG text chunks: no software version, so two renders are byte-identical.
_PNG_METADATA: dict[str, str | None] = {"Software": None}
_EVENT_LABELS = frozenset({"Detection", "Referral", "Crossing"})


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _style() -> contextlib.AbstractContextManager[None]:
    """Fixed text settings (DejaVu Sans ships with matplotlib) and concise date labels."""
    return mpl.rc_context(
        {"font.family": "DejaVu Sans", "font.size": 8, "date.converter": "concise"}
    )


def _days(when: dt.datetime) -> float:
    """Matplotlib's date number (days since 1970-01-01 UTC)."""
    aware = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return (aware - _EPOCH).total_seconds() / 86400


class Charts(NamedTuple):
    """The chart files written for one package (both in the export folder)."""

    network: Path
    timeline: Path


def short_label(subject: Subject, limit: int = _LABEL_CHARS) -> str:
    """The text drawn beside a node: its name, else its key, cut to ``limit`` characters.

    Parameters
    ----------
    subject : Subject
        A subject or event of the package.
    limit : int
        Longest label; longer ones end in an ellipsis.

    Returns
    -------
    str
        The label.

    Examples
    --------
    >>> short_label(Subject(label="Person", key="JAN TESTOWY|1980-01-02", sources=[]))
    'JAN TESTOWY|1980-01-02'
    >>> short_label(Subject(label="Haulier", key="CH:1", name="A VERY LONG HAULAGE NAME LTD",
    ...                     sources=[]), limit=12)
    'A VERY LONG…'
    """
    text = subject.name or subject.key
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _graph(package: TargetPackage) -> nx.Graph:
    """The package's subjects and events as an undirected graph, in a fixed node order."""
    graph = nx.Graph()
    for node in sorted([*package.subjects, *package.events], key=lambda s: s.id):
        graph.add_node(node.id, subject=node, event=node.label in _EVENT_LABELS)
    for link in package.links:
        if link.source in graph and link.target in graph:
            graph.add_edge(link.source, link.target, type=link.type)
    return graph


def _layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Node positions: Kamada-Kawai for small graphs, the dashboard's spring layout for large.

    Large networks get :func:`ocgmap.layout.spring_positions`, the positions the dashboard
    draws them at: deterministic, and seconds for 2,000 nodes where networkx's
    ``spring_layout`` took about 18 s on this machine.
    """
    count = graph.number_of_nodes()
    if count == 0:
        return {}
    if count <= 2:
        positions = nx.circular_layout(graph)
    elif count <= _KAMADA_KAWAI_MAX:
        positions = nx.kamada_kawai_layout(graph)
    else:
        return spring_positions(list(graph), graph.edges(), seed=SEED)
    return {node: (float(xy[0]), float(xy[1])) for node, xy in positions.items()}


def _importance(graph: nx.Graph, node: str) -> tuple[float, int, str]:
    subject: Subject = graph.nodes[node]["subject"]
    return (-(subject.key_player_score or 0.0), -int(graph.degree(node)), node)


def _labelled(graph: nx.Graph) -> set[str]:
    """The nodes that get a text label: all of them, or the most important ones."""
    nodes = sorted(graph.nodes, key=lambda n: _importance(graph, n))
    return set(nodes[:_LABELLED])


def _draw_edges(ax: Axes, graph: nx.Graph, pos: dict[str, tuple[float, float]]) -> None:
    edges = sorted(graph.edges(data=True), key=lambda e: (e[0], e[1]))
    segments = [[pos[a], pos[b]] for a, b, _ in edges]
    ax.add_collection(LineCollection(segments, colors="#8C8C8C", linewidths=0.9, zorder=1))
    if len(edges) > _LABELLED_EDGES:
        return
    for a, b, data in edges:
        (x1, y1), (x2, y2) = pos[a], pos[b]
        ax.text(
            (x1 + x2) / 2,
            (y1 + y2) / 2,
            str(data["type"]).replace("_", " ").lower(),
            fontsize=5.5,
            color="#555555",
            ha="center",
            va="center",
            zorder=2,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
        )


def _draw_nodes(ax: Axes, graph: nx.Graph, pos: dict[str, tuple[float, float]]) -> None:
    """One scatter per label (few artists, fast for large graphs), then the text labels."""
    groups: dict[str, list[str]] = {}
    for node in graph.nodes:
        groups.setdefault(graph.nodes[node]["subject"].label, []).append(node)
    for label, nodes in sorted(groups.items()):
        scores = [graph.nodes[n]["subject"].key_player_score or 0.0 for n in nodes]
        ax.scatter(
            [pos[n][0] for n in nodes],
            [pos[n][1] for n in nodes],
            s=[140 + 700 * score for score in scores],
            c=LABEL_COLOURS.get(label, _OTHER_COLOUR),
            marker=_EVENT_MARKER if label in _EVENT_LABELS else _SUBJECT_MARKER,
            edgecolors=["#222222" if score else "white" for score in scores],
            linewidths=[1.6 if score else 0.8 for score in scores],
            zorder=3,
        )
    for node in sorted(_labelled(graph)):
        subject: Subject = graph.nodes[node]["subject"]
        score = subject.key_player_score or 0.0
        ax.annotate(
            short_label(subject),
            pos[node],
            xytext=(0, -11 - 6 * score),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=7,
            zorder=4,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
        )


def _legend(ax: Axes, labels: Iterable[str]) -> None:
    shown = sorted(set(labels), key=lambda lab: (list(LABEL_COLOURS).index(lab), lab))
    handles = [
        Line2D(
            [],
            [],
            linestyle="none",
            marker=_EVENT_MARKER if lab in _EVENT_LABELS else _SUBJECT_MARKER,
            markersize=7,
            markerfacecolor=LABEL_COLOURS[lab],
            markeredgecolor="white",
            label=lab,
        )
        for lab in shown
    ]
    handles.append(
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=9,
            markerfacecolor="white",
            markeredgecolor="#222222",
            markeredgewidth=1.6,
            label="key player (size = score)",
        )
    )
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)


def _empty(ax: Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, color="#555555")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def _pad(pos: dict[str, tuple[float, float]], ax: Axes) -> None:
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    ax.set_xlim(min(xs) - 0.12 * span, max(xs) + 0.12 * span)
    ax.set_ylim(min(ys) - 0.14 * span, max(ys) + 0.1 * span)


def _save(figure: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png", dpi=_DPI, metadata=_PNG_METADATA, facecolor="white")
    return path


def _draw_network(package: TargetPackage, path: Path) -> Path:
    """Draw the associations chart of ``package`` into ``path`` (PNG) and return the path."""
    graph = _graph(package)
    pos = _layout(graph)
    with _style():
        figure = Figure(figsize=(10, 6.5), layout="constrained")
        ax = figure.add_subplot()
        if not pos:
            _empty(ax, "No subjects or events to chart")
            return _save(figure, path)
        _draw_edges(ax, graph, pos)
        _draw_nodes(ax, graph, pos)
        _pad(pos, ax)
        ax.set_axis_off()
        labels = [graph.nodes[n]["subject"].label for n in graph.nodes]
        _legend(ax, [lab for lab in labels if lab in LABEL_COLOURS])
        shown = min(graph.number_of_nodes(), _LABELLED)
        ax.set_title(
            f"Cluster {package.cluster.cluster_id}: {graph.number_of_nodes()} entities, "
            f"{graph.number_of_edges()} links"
            + ("" if shown == graph.number_of_nodes() else f" (labels on {shown})"),
            fontsize=10,
            loc="left",
        )
        return _save(figure, path)


def _kinds(package: TargetPackage) -> list[str]:
    present = {event.kind for event in package.timeline}
    known = [kind for kind in _KIND_COLOURS if kind in present]
    return known + sorted(present - set(known))


def _span(times: list[dt.datetime]) -> tuple[dt.datetime, dt.datetime]:
    first, last = min(times), max(times)
    pad = max((last - first) * 0.06, dt.timedelta(days=3))
    return first - pad, last + pad


def _draw_timeline(package: TargetPackage, path: Path) -> Path:
    """Draw the package's dated events, one row per kind, into ``path`` (PNG)."""
    events = package.timeline
    kinds = _kinds(package)
    with _style():
        figure = Figure(figsize=(10, 1.4 + 0.45 * max(len(kinds), 2)), layout="constrained")
        ax = figure.add_subplot()
        if not events:
            _empty(ax, "No dated events in this package")
            return _save(figure, path)
        rows = {kind: len(kinds) - 1 - i for i, kind in enumerate(kinds)}
        for kind in kinds:
            when = [_days(e.when) for e in events if e.kind == kind]
            ax.scatter(
                when,
                [rows[kind]] * len(when),
                s=46,
                c=_KIND_COLOURS.get(kind, _OTHER_COLOUR),
                marker="D" if kind == "referral" else "o",
                zorder=3,
            )
        if len(events) <= _ANNOTATED_EVENTS:
            for i, event in enumerate(events):
                ax.annotate(
                    event.ref if len(event.ref) <= 22 else event.ref[:21] + "…",
                    (_days(event.when), rows[event.kind]),
                    xytext=(0, 7 if i % 2 == 0 else -12),
                    textcoords="offset points",
                    ha="center",
                    fontsize=6.5,
                )
        first, last = _span([e.when for e in events])
        ax.xaxis_date(tz=dt.UTC)
        ax.set_xlim(_days(first), _days(last))
        ax.set_ylim(-0.7, len(kinds) - 0.3)
        ax.set_yticks(list(rows.values()), list(rows))
        ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_title(f"{len(events)} dated events (UTC)", fontsize=10, loc="left")
        return _save(figure, path)


def write_charts(package: TargetPackage, folder: Path) -> Charts:
    """Write ``network.png`` and ``timeline.png`` for ``package`` into ``folder``.

    Parameters
    ----------
    package : TargetPackage
        The package to chart (handling codes already applied by ``assemble``).
    folder : pathlib.Path
        Where to write (created if missing); the HTML and PDF refer to the files by name.

    Returns
    -------
    Charts
        The two paths.

    Notes
    -----
    Deterministic: the layout has a fixed seed and the PNGs carry no software tag, so two
    renders of one package are byte-identical. Kamada-Kawai is O(n^2) in memory, so graphs
    above 300 nodes get a seeded spring layout instead.
    """
    folder.mkdir(parents=True, exist_ok=True)
    return Charts(
        network=_draw_network(package, folder / NETWORK_PNG),
        timeline=_draw_timeline(package, folder / TIMELINE_PNG),
    )
