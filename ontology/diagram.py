"""A picture of the schema: node labels as boxes in columns by area, relationships as arrows.

`layout()` computes a deterministic layout from the schema model (the same ontology gives the
same picture); `render_svg()` draws it as an inline SVG element and `mermaid_flowchart()`
gives the same graph as a Mermaid flowchart for Markdown. Standard library only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from html import escape
from itertools import pairwise

from ontology.model import Schema


@dataclass(frozen=True)
class Area:
    """A group of labels that belong together (customers, journeys, ...)."""

    key: str
    title: str
    summary: str
    labels: tuple[str, ...]


# The areas of the design, in reading order. The ontology does not group its classes, so the
# grouping lives here; a label missing from every area is shown under OTHER, and a test
# asks for it to be placed.
AREAS: tuple[Area, ...] = (
    Area(
        "customers",
        "Customers",
        "Who the customers are: individual customers, the personas journeys are mapped for, "
        "and commercial segments.",
        ("Persona", "Customer", "Segment"),
    ),
    Area(
        "journeys",
        "Journeys",
        "The journey map: journeys made of ordered stages and touchpoints, the channels "
        "touchpoints happen on and the needs they serve.",
        ("Journey", "Stage", "Touchpoint", "Channel", "CustomerNeed"),
    ),
    Area(
        "experience",
        "Experience",
        "What customers go through: pain points at touchpoints, the feedback that evidences "
        "them, and measurements (CSAT, NPS, CES, emotion).",
        ("PainPoint", "Measurement", "Feedback"),
    ),
    Area(
        "blueprint",
        "Blueprint",
        "Below the line of visibility: the processes (with their blueprint layer) and the "
        "IT systems behind touchpoints.",
        ("Process", "System"),
    ),
    Area(
        "organisation",
        "Organisation",
        "The organisation: units in a hierarchy, and the people who are members of them "
        "and lead them.",
        ("Team", "Person"),
    ),
    Area(
        "improvement",
        "Improvement",
        "Initiatives that address pain points, each owned by a team.",
        ("Opportunity",),
    ),
    Area(
        "provenance",
        "Provenance",
        "The load runs that wrote the graph; every node and relationship names its source "
        "and last load run. While a unit of work is written in steps, its undo steps.",
        ("LoadRun", "UnitOfWork", "UndoStep"),
    ),
)
OTHER = Area("other", "Other", "Labels not yet placed in an area.", ())

# Columns of the picture, left to right, as groups of areas. The experience area sits
# between customers and journeys, so that feedback reaches both its customer and its
# touchpoint without crossing a column; the journey map is in the middle, with the blueprint
# and the organisation behind it to the right.
_COLUMNS: tuple[tuple[str, ...], ...] = (
    ("customers",),
    ("experience",),
    ("journeys",),
    ("blueprint",),
    ("organisation",),
    ("improvement", "provenance"),
)

_BOX_H = 40.0
_BOX_MIN_W = 128.0
_COL_GAP = 120.0  # free space between two columns of boxes
_ROW_STEP = 112.0  # distance between the centres of two boxes of one column
_AREA_GAP = 40.0  # extra space between two areas stacked in one column
_HEADING_H = 44.0
_MARGIN = 28.0
_BOX_FONT = 13.0
_LABEL_FONT = 11.0
_LABEL_CHAR_W = 0.61 * _LABEL_FONT  # monospace: every character has the same advance
_BOX_CHAR_W = 0.62 * _BOX_FONT
_LOOP_REACH = 40.0
_SAMPLES = 32
# Sideways offsets of an arrow's control point tried in turn; the first without a collision
# wins, so short arrows stay straight and long ones bend around the boxes in their way.
_BENDS = (0.0, *(s * k * 24.0 for k in range(1, 16) for s in (1, -1)))

Point = tuple[float, float]


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle."""

    x0: float
    y0: float
    x1: float
    y1: float

    def grow(self, by: float) -> Rect:
        return Rect(self.x0 - by, self.y0 - by, self.x1 + by, self.y1 + by)

    def contains(self, point: Point) -> bool:
        return self.x0 <= point[0] <= self.x1 and self.y0 <= point[1] <= self.y1

    def overlaps(self, other: Rect) -> bool:
        return (
            self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1
        )


@dataclass(frozen=True)
class Box:
    """One node label, centred at (x, y)."""

    label: str
    area: str
    column: int
    x: float
    y: float
    width: float
    height: float = _BOX_H

    @property
    def rect(self) -> Rect:
        return Rect(
            self.x - self.width / 2,
            self.y - self.height / 2,
            self.x + self.width / 2,
            self.y + self.height / 2,
        )

    def border_towards(self, point: Point) -> Point:
        """Where the line from the centre towards `point` leaves the box."""
        dx, dy = point[0] - self.x, point[1] - self.y
        if dx == 0 and dy == 0:
            return self.x, self.y
        scale = min(
            self.width / 2 / abs(dx) if dx else math.inf,
            self.height / 2 / abs(dy) if dy else math.inf,
        )
        return self.x + dx * scale, self.y + dy * scale


@dataclass(frozen=True)
class Heading:
    """The title of an area, above its first box."""

    text: str
    area: str
    x: float
    y: float


@dataclass(frozen=True)
class Arrow:
    """One allowed (source, type, target) triple, drawn as a curve with its type name."""

    type: str
    source: str
    target: str
    path: str
    """SVG path data of the curve, from the source's border to the target's border."""
    label: Rect
    """Where the type name is written."""
    points: tuple[Point, ...]
    """Points along the curve, for collision checks."""

    @property
    def is_loop(self) -> bool:
        return self.source == self.target

    @cached_property
    def hull(self) -> Rect:
        """The smallest rectangle holding the curve."""
        xs, ys = [p[0] for p in self.points], [p[1] for p in self.points]
        return Rect(min(xs), min(ys), max(xs), max(ys))


@dataclass(frozen=True)
class Diagram:
    """The laid-out picture; `view` is the area to show (the SVG viewBox)."""

    view: Rect
    boxes: dict[str, Box]
    headings: tuple[Heading, ...]
    arrows: tuple[Arrow, ...]


def areas_of(schema: Schema) -> list[tuple[Area, tuple[str, ...]]]:
    """Each area with the labels of `schema` it holds, in order; OTHER last when not empty."""
    placed = {label for area in AREAS for label in area.labels}
    found = [(area, tuple(x for x in area.labels if x in schema.node_types)) for area in AREAS]
    others = tuple(sorted(set(schema.node_types) - placed))
    return [(a, labels) for a, labels in found if labels] + ([(OTHER, others)] if others else [])


def _label_rect(text: str, centre: Point) -> Rect:
    width = len(text) * _LABEL_CHAR_W + 8
    height = _LABEL_FONT + 5
    return Rect(
        centre[0] - width / 2, centre[1] - height / 2, centre[0] + width / 2, centre[1] + height / 2
    )


def _quadratic(p0: Point, c: Point, p2: Point) -> tuple[Point, ...]:
    return tuple(
        (
            (1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * c[0] + t * t * p2[0],
            (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * c[1] + t * t * p2[1],
        )
        for t in (i / _SAMPLES for i in range(_SAMPLES + 1))
    )


def _cubic(p0: Point, c1: Point, c2: Point, p3: Point) -> tuple[Point, ...]:
    points = []
    for i in range(_SAMPLES + 1):
        t = i / _SAMPLES
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t**3
        points.append(
            (
                a * p0[0] + b * c1[0] + c * c2[0] + d * p3[0],
                a * p0[1] + b * c1[1] + c * c2[1] + d * p3[1],
            )
        )
    return tuple(points)


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _xy(point: Point) -> str:
    return f"{_fmt(point[0])},{_fmt(point[1])}"


def _curve(rel: str, source: Box, target: Box, bend: float) -> Arrow:
    """A quadratic curve between two boxes, its control point `bend` off the straight line."""
    dx, dy = target.x - source.x, target.y - source.y
    length = math.hypot(dx, dy)
    normal = (-dy / length, dx / length)
    control = (
        (source.x + target.x) / 2 + normal[0] * bend,
        (source.y + target.y) / 2 + normal[1] * bend,
    )
    start, end = source.border_towards(control), target.border_towards(control)
    points = _quadratic(start, control, end)
    return Arrow(
        rel,
        source.label,
        target.label,
        f"M{_xy(start)} Q{_xy(control)} {_xy(end)}",
        _label_rect(rel, points[_SAMPLES // 2]),
        points,
    )


def _gaps(column: list[Box]) -> list[float]:
    """Heights at which a curve can cross a column: above, between and below its boxes.

    Between two boxes a curve keeps off the middle of the gap, where the label of an arrow
    between those two boxes goes."""
    ys = sorted(column, key=lambda b: b.y)
    top, bottom = ys[0].rect.y0, ys[-1].rect.y1
    gaps = [top - _ROW_STEP, top - _ROW_STEP / 3]
    for a, b in pairwise(ys):
        gap = b.rect.y0 - a.rect.y1
        gaps += [a.rect.y1 + gap / 4, b.rect.y0 - gap / 4]
    return [*gaps, bottom + _ROW_STEP / 3, bottom + _ROW_STEP]


def _through_gaps(rel: str, source: Box, target: Box, boxes: dict[str, Box]) -> Iterator[Arrow]:
    """Curves from `source` to a box columns away, crossing each column in between through
    a gap between its boxes: first the gaps nearest the straight line, then further ones."""
    step = 1 if target.column > source.column else -1
    between = range(source.column + step, target.column, step)
    columns = {k: [b for b in boxes.values() if b.column == k] for k in between}
    seen: set[tuple[float, ...]] = set()
    for shift in _BENDS:
        slots = []
        for k in between:
            x = columns[k][0].x
            along = source.y + (target.y - source.y) * (x - source.x) / (target.x - source.x)
            y = min(_gaps(columns[k]), key=lambda g: (abs(g - along - shift), g))
            slots.append((x, y))
        key = tuple(y for _, y in slots)
        if key in seen:
            continue
        seen.add(key)
        start = source.border_towards(slots[0])
        end = target.border_towards(slots[-1])
        waypoints = [start, *slots, end]
        segments = _smooth(waypoints)
        path = f"M{_xy(start)}" + "".join(
            f" C{_xy(c1)} {_xy(c2)} {_xy(p)}" for c1, c2, p in segments
        )
        points: list[Point] = [start]
        labels: list[Point] = []
        previous = start
        for c1, c2, p in segments:
            part = _cubic(previous, c1, c2, p)
            points += part[1:]
            labels.append(part[_SAMPLES // 2])
            previous = p
        # the type name goes in a gutter between two columns, the middle one first
        middle = (len(labels) - 1) / 2
        for index in sorted(range(len(labels)), key=lambda i: (abs(i - middle), i)):
            yield Arrow(
                rel,
                source.label,
                target.label,
                path,
                _label_rect(rel, labels[index]),
                tuple(points),
            )


def _smooth(waypoints: list[Point]) -> list[tuple[Point, Point, Point]]:
    """Cubic segments of a Catmull-Rom spline through `waypoints`: (control, control, end)."""
    padded = [waypoints[0], *waypoints, waypoints[-1]]
    segments = []
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1], padded[i], padded[i + 1], padded[i + 2]
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        segments.append((c1, c2, p2))
    return segments


def _loops(rel: str, box: Box, neighbours: list[Box]) -> Iterator[tuple[float, Arrow]]:
    """A loop at each side and corner of the box, with a penalty where other arrows arrive."""
    r, s, t = box.rect, 13.0, 10.0
    d = math.sqrt(0.5)
    spots: list[tuple[Point, Point, Point]] = [
        # start, end, outward direction; clockwise, so that the arrowhead points back in
        ((box.x - s, r.y0), (box.x + s, r.y0), (0, -1)),
        ((box.x + s, r.y1), (box.x - s, r.y1), (0, 1)),
        ((r.x1, box.y - t), (r.x1, box.y + t), (1, 0)),
        ((r.x0, box.y + t), (r.x0, box.y - t), (-1, 0)),
        ((r.x1 - 2 * s, r.y0), (r.x1, r.y0 + t), (d, -d)),
        ((r.x1, r.y1 - t), (r.x1 - 2 * s, r.y1), (d, d)),
        ((r.x0 + 2 * s, r.y1), (r.x0, r.y1 - t), (-d, d)),
        ((r.x0, r.y0 + t), (r.x0 + 2 * s, r.y0), (-d, -d)),
    ]
    for start, end, (ux, uy) in spots:
        mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
        c1 = (
            start[0] + ux * _LOOP_REACH + (start[0] - mid[0]) * 1.4,
            start[1] + uy * _LOOP_REACH + (start[1] - mid[1]) * 1.4,
        )
        c2 = (
            end[0] + ux * _LOOP_REACH + (end[0] - mid[0]) * 1.4,
            end[1] + uy * _LOOP_REACH + (end[1] - mid[1]) * 1.4,
        )
        points = _cubic(start, c1, c2, end)
        apex = points[_SAMPLES // 2]
        probe = _label_rect(rel, apex)
        half_w, half_h = (probe.x1 - probe.x0) / 2, (probe.y1 - probe.y0) / 2
        path = f"M{_xy(start)} C{_xy(c1)} {_xy(c2)} {_xy(end)}"
        direction = math.atan2(uy, ux)
        busy = sum(
            1
            for n in neighbours
            if abs(_angle_between(direction, math.atan2(n.y - box.y, n.x - box.x))) < math.pi / 6
        )
        penalty = 30.0 * busy + (5.0 if ux and uy else 0.0)  # sides read better than corners
        if ux:  # at a side or a corner: beside the loop
            centres = [(apex[0] + math.copysign(half_w + 3, ux), apex[1])]
        else:  # above or below the loop, else beside it
            reach = max(abs(x - apex[0]) for x, _ in points)
            centres = [
                (apex[0], apex[1] + math.copysign(half_h + 2, uy)),
                (apex[0] + reach + half_w + 3, (apex[1] + start[1]) / 2),
            ]
        for index, centre in enumerate(centres):
            label = _label_rect(rel, centre)
            yield penalty + 2.0 * index, Arrow(rel, box.label, box.label, path, label, points)


def _angle_between(a: float, b: float) -> float:
    return (a - b + math.pi) % (2 * math.pi) - math.pi


def _crosses(rect: Rect, arrow: Arrow) -> bool:
    """True when the curve of `arrow` enters `rect`."""
    if not rect.overlaps(arrow.hull) and not (
        arrow.hull.x0 == arrow.hull.x1 or arrow.hull.y0 == arrow.hull.y1
    ):
        return False
    return any(_segment_enters(rect, p, q) for p, q in pairwise(arrow.points))


def _segment_enters(rect: Rect, p: Point, q: Point) -> bool:
    # Liang-Barsky clipping: the segment enters the rectangle when the clip is not empty.
    if max(p[0], q[0]) < rect.x0 or min(p[0], q[0]) > rect.x1:
        return False
    if max(p[1], q[1]) < rect.y0 or min(p[1], q[1]) > rect.y1:
        return False
    dx, dy = q[0] - p[0], q[1] - p[1]
    low, high = 0.0, 1.0
    for step, room in (
        (-dx, p[0] - rect.x0),
        (dx, rect.x1 - p[0]),
        (-dy, p[1] - rect.y0),
        (dy, rect.y1 - p[1]),
    ):
        if step == 0:
            if room < 0:
                return False
            continue
        t = room / step
        if step < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def _cost(
    arrow: Arrow, boxes: Iterable[Box], obstacles: Iterable[Rect], drawn: list[Arrow]
) -> float:
    """How badly `arrow` collides with what is drawn already (0: not at all)."""
    cost = 0.0
    for box in boxes:
        if arrow.label.overlaps(box.rect.grow(3)):
            cost += 100
        if box.label not in (arrow.source, arrow.target) and _crosses(box.rect.grow(5), arrow):
            cost += 100
    for rect in [*obstacles, *(a.label for a in drawn)]:
        if arrow.label.overlaps(rect.grow(4)):
            cost += 100
        if _crosses(rect.grow(2), arrow):
            cost += 40
    for other in drawn:
        if _crosses(arrow.label.grow(1), other):
            cost += 20
        if other.is_loop and not arrow.is_loop and _crosses(other.hull, arrow):
            cost += 40
    return cost


def _route(
    candidates: Iterable[tuple[float, Arrow]],
    boxes: Iterable[Box],
    obstacles: Iterable[Rect],
    drawn: list[Arrow],
) -> Arrow:
    """The first candidate (in order of preference) that collides with nothing, else the
    one with the lowest penalty, collisions and detour."""
    best: tuple[float, Arrow] | None = None
    for penalty, candidate in candidates:
        collisions = _cost(candidate, boxes, obstacles, drawn)
        if collisions == 0:
            return candidate
        cost = penalty + collisions + _detour(candidate)
        if best is None or cost < best[0]:
            best = (cost, candidate)
    assert best is not None
    return best[1]


def _detour(arrow: Arrow) -> float:
    """How much longer than a straight line the arrow is (a loop: not at all)."""
    if arrow.is_loop:
        return 0.0
    travelled = sum(math.dist(p, q) for p, q in pairwise(arrow.points))
    straight = math.dist(arrow.points[0], arrow.points[-1])
    return 30.0 * (travelled / straight - 1) if straight else 0.0


def layout(schema: Schema) -> Diagram:
    """Boxes in columns by area, and a curve per allowed (source, type, target) triple."""
    grouped = areas_of(schema)
    by_key = {area.key: (area, labels) for area, labels in grouped}
    columns = [[by_key[k] for k in keys if k in by_key] for keys in _COLUMNS]
    columns = [c for c in columns if c]
    if OTHER.key in by_key:
        columns.append([by_key[OTHER.key]])

    widest = max(len(label) for label in schema.node_types) * _BOX_CHAR_W + 28
    box_w = max(_BOX_MIN_W, widest)

    def height(column: list[tuple[Area, tuple[str, ...]]]) -> float:
        return sum(_HEADING_H + len(labels) * _ROW_STEP for _, labels in column) + _AREA_GAP * (
            len(column) - 1
        )

    tallest = max(height(c) for c in columns)
    boxes: dict[str, Box] = {}
    headings: list[Heading] = []
    for index, column in enumerate(columns):
        x = _MARGIN + box_w / 2 + index * (box_w + _COL_GAP)
        y = _MARGIN + (tallest - height(column)) / 2
        for area, labels in column:
            headings.append(Heading(area.title.upper(), area.key, x, y + _HEADING_H / 2))
            y += _HEADING_H
            for label in labels:
                boxes[label] = Box(label, area.key, index, x, y + _ROW_STEP / 2, box_w)
                y += _ROW_STEP
            y += _AREA_GAP

    # Headings are obstacles for labels and curves, as drawn labels are.
    obstacles = [_label_rect(h.text, (h.x, h.y)) for h in headings]

    triples = sorted(set(schema.endpoints()))
    neighbours: dict[str, list[Box]] = {label: [] for label in boxes}
    pairs: dict[frozenset[str], int] = {}
    for source, _, target in triples:
        if source != target:
            neighbours[source].append(boxes[target])
            neighbours[target].append(boxes[source])
        pairs[frozenset((source, target))] = pairs.get(frozenset((source, target)), 0) + 1

    def length(triple: tuple[str, str, str]) -> float:
        a, b = boxes[triple[0]], boxes[triple[2]]
        return math.dist((a.x, a.y), (b.x, b.y))

    def candidates(triple: tuple[str, str, str]) -> list[tuple[float, Arrow]]:
        source, rel, target = (boxes[triple[0]], triple[1], boxes[triple[2]])
        if source is target:
            return sorted(_loops(rel, source, neighbours[source.label]), key=lambda c: c[0])
        # arrows sharing their two boxes bend apart from the start
        shared = pairs[frozenset((source.label, target.label))] > 1
        bends = [(0.0, _curve(rel, source, target, b)) for b in _BENDS if b or not shared]
        if abs(source.column - target.column) > 1:
            # across columns, a curve may also weave through the gaps between boxes
            bends += [(0.0, a) for a in _through_gaps(rel, source, target, boxes)]
        return bends

    # Arrows between neighbouring columns first, from the shortest, so that they stay
    # straight where they can; then loops, which find a free side; then the arrows across
    # columns, which find their way around everything else.
    def order(t: tuple[str, str, str]) -> tuple[int, float, tuple[str, str, str]]:
        if t[0] == t[2]:
            return 1, 0.0, t
        far = abs(boxes[t[0]].column - boxes[t[2]].column) > 1
        return 2 if far else 0, length(t), t

    drawn: list[Arrow] = []
    for triple in sorted(triples, key=order):
        drawn.append(_route(candidates(triple), boxes.values(), obstacles, drawn))

    every = [b.rect for b in boxes.values()] + [a.label for a in drawn] + obstacles
    every += [Rect(x, y, x, y) for a in drawn for x, y in a.points]
    view = Rect(
        min(r.x0 for r in every) - _MARGIN,
        min(r.y0 for r in every) - _MARGIN,
        max(r.x1 for r in every) + _MARGIN,
        max(r.y1 for r in every) + _MARGIN,
    )
    return Diagram(view, boxes, tuple(headings), tuple(drawn))


_FILLS = {
    "customers": "#fde2e4",
    "experience": "#fef3c7",
    "journeys": "#dbeafe",
    "blueprint": "#dcfce7",
    "organisation": "#ede9fe",
    "improvement": "#ffedd5",
    "provenance": "#e5e7eb",
    OTHER.key: "#f3f4f6",
}
_INK = "#1f2937"
_LINE = "#4b5563"
_PAPER = "#ffffff"
_SANS = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
_MONO = "ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace"


def describe(schema: Schema) -> str:
    """The picture in words, as its text alternative."""
    areas = "; ".join(f"{area.title}: {', '.join(labels)}" for area, labels in areas_of(schema))
    arrows = "; ".join(f"{s} {t} {o}" for s, t, o in schema.endpoints())
    return (
        f"Node labels as boxes in columns by area ({areas}). "
        f"Relationships as arrows from source to target, named by their type: {arrows}."
    )


def render_svg(schema: Schema, *, id_prefix: str = "schema-diagram") -> str:
    """The schema as one `<svg>` element (no external resources), titled and described.

    Elements carry classes (`box`, `area-<key>`, `arrow`, `arrow-label`, `area-heading`) so
    that a page's stylesheet can restyle them; the attributes alone give a readable picture.
    """
    diagram = layout(schema)
    v = diagram.view
    width, height = v.x1 - v.x0, v.y1 - v.y0
    title_id, desc_id, arrow_id = f"{id_prefix}-title", f"{id_prefix}-desc", f"{id_prefix}-arrow"
    out = [
        f'<svg class="schema-diagram" viewBox="{_fmt(v.x0)} {_fmt(v.y0)} {_fmt(width)} '
        f'{_fmt(height)}" width="{_fmt(width)}" height="{_fmt(height)}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">Node labels and relationship types of the cxgraph schema</title>',
        f'<desc id="{desc_id}">{escape(describe(schema))}</desc>',
        "<defs>",
        f'<marker id="{arrow_id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
        'markerHeight="8" markerUnits="userSpaceOnUse" orient="auto">'
        f'<path class="arrowhead" d="M0,0 L10,5 L0,10 z" fill="{_LINE}"/></marker>',
        "</defs>",
        '<g class="area-headings">',
    ]
    for h in diagram.headings:
        out.append(
            f'<text class="area-heading" x="{_fmt(h.x)}" y="{_fmt(h.y)}" dy="0.35em" '
            f'text-anchor="middle" font-family="{_SANS}" font-size="11" font-weight="600" '
            f'letter-spacing="0.08em" fill="{_LINE}">{escape(h.text)}</text>'
        )
    out += ["</g>", '<g class="arrows">']
    for a in diagram.arrows:
        out.append(
            f'<path class="arrow" d="{a.path}" fill="none" stroke="{_LINE}" stroke-width="1.3" '
            f'marker-end="url(#{arrow_id})"><title>{escape(f"{a.source} {a.type} {a.target}")}'
            "</title></path>"
        )
    out += ["</g>", '<g class="boxes">']
    for b in diagram.boxes.values():
        r = b.rect
        out.append(
            f'<g class="box area-{b.area}"><rect x="{_fmt(r.x0)}" y="{_fmt(r.y0)}" '
            f'width="{_fmt(b.width)}" height="{_fmt(b.height)}" rx="7" fill="{_FILLS[b.area]}" '
            f'stroke="{_INK}" stroke-width="1.2"/><text x="{_fmt(b.x)}" y="{_fmt(b.y)}" '
            f'dy="0.35em" text-anchor="middle" font-family="{_SANS}" font-size="{_fmt(_BOX_FONT)}" '
            f'font-weight="600" fill="{_INK}">{escape(b.label)}</text></g>'
        )
    out += ["</g>", '<g class="arrow-labels">']
    for a in diagram.arrows:
        r = a.label
        out.append(
            f'<g class="arrow-label"><rect x="{_fmt(r.x0)}" y="{_fmt(r.y0)}" '
            f'width="{_fmt(r.x1 - r.x0)}" height="{_fmt(r.y1 - r.y0)}" rx="3" fill="{_PAPER}" '
            f'fill-opacity="0.92"/><text x="{_fmt((r.x0 + r.x1) / 2)}" '
            f'y="{_fmt((r.y0 + r.y1) / 2)}" dy="0.35em" text-anchor="middle" '
            f'font-family="{_MONO}" font-size="{_fmt(_LABEL_FONT)}" fill="{_INK}">'
            f"{escape(a.type)}</text></g>"
        )
    out += ["</g>", "</svg>"]
    return "\n".join(out)


def mermaid_flowchart(schema: Schema) -> str:
    """The same picture as a Mermaid flowchart (GitHub renders it in Markdown)."""
    lines = ["flowchart LR"]
    for area, labels in areas_of(schema):
        lines.append(f'  subgraph area_{area.key}["{area.title}"]')
        lines += [f'    {label}["{label}"]' for label in labels]
        lines.append("  end")
    lines += [f"  {s} -->|{t}| {o}" for s, t, o in schema.endpoints()]
    return "\n".join(lines)
