"""The schema picture: every triple drawn once, nothing piled up, the same every time."""

from __future__ import annotations

import dataclasses
import itertools
import xml.etree.ElementTree as ET

from ontology.diagram import (
    AREAS,
    OTHER,
    areas_of,
    layout,
    mermaid_flowchart,
    render_svg,
)
from ontology.model import NodeType, PropertySpec, Schema, load_schema

SVG = "{http://www.w3.org/2000/svg}"


def test_every_label_is_placed_in_an_area() -> None:
    schema = load_schema()
    placed = [label for area, labels in areas_of(schema) for label in labels]
    assert sorted(placed) == sorted(schema.labels)
    assert OTHER.key not in {area.key for area, _ in areas_of(schema)}, (
        "add the new label to an area in ontology/diagram.py"
    )
    assert all(label in schema.labels for area in AREAS for label in area.labels)


def test_every_triple_is_one_arrow_and_nothing_piles_up() -> None:
    schema = load_schema()
    diagram = layout(schema)
    assert sorted((a.source, a.type, a.target) for a in diagram.arrows) == sorted(
        schema.endpoints()
    )
    boxes = list(diagram.boxes.values())
    assert {b.label for b in boxes} == schema.labels
    for one, other in itertools.combinations(boxes, 2):
        assert not one.rect.overlaps(other.rect), (one.label, other.label)
    for first, second in itertools.combinations(diagram.arrows, 2):
        assert not first.label.overlaps(second.label), (first, second)
    for arrow in diagram.arrows:
        for box in boxes:
            assert not arrow.label.overlaps(box.rect), (arrow.type, box.label)
            if box.label not in (arrow.source, arrow.target):
                assert not any(box.rect.contains(p) for p in arrow.points), (arrow, box.label)
        inside = diagram.view
        assert all(inside.contains(p) for p in arrow.points)
        assert inside.contains((arrow.label.x0, arrow.label.y0))
        assert inside.contains((arrow.label.x1, arrow.label.y1))


def test_loops_stay_on_their_box() -> None:
    diagram = layout(load_schema())
    loops = {(a.source, a.type) for a in diagram.arrows if a.is_loop}
    assert loops == {
        ("Process", "PART_OF"),
        ("Process", "HANDS_OFF_TO"),
        ("Team", "PART_OF"),
        ("Person", "REPORTS_TO"),
        ("Touchpoint", "NEXT"),
        ("System", "DEPENDS_ON"),
    }
    for arrow in diagram.arrows:
        if arrow.is_loop:
            box = diagram.boxes[arrow.source].rect.grow(1)
            assert box.contains(arrow.points[0])
            assert box.contains(arrow.points[-1])
            assert max(abs(p[0] - arrow.points[0][0]) for p in arrow.points) < 80


def test_svg_is_well_formed_titled_described_and_stable() -> None:
    schema = load_schema()
    svg = render_svg(schema, id_prefix="pic")
    assert svg == render_svg(schema, id_prefix="pic")
    root = ET.fromstring(svg.replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "pic-title pic-desc"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None
    assert title.get("id") == "pic-title"
    assert title.text
    assert desc is not None
    assert desc.get("id") == "pic-desc"
    assert desc.text
    for source, rel, target in schema.endpoints():
        assert f"{source} {rel} {target}" in desc.text
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert schema.labels <= texts
    assert schema.types <= texts
    assert "http" not in svg.replace(SVG[1:-1], "")


def test_mermaid_has_every_label_and_triple() -> None:
    schema = load_schema()
    chart = mermaid_flowchart(schema)
    assert chart.startswith("flowchart LR\n")
    for label in schema.labels:
        assert f'    {label}["{label}"]' in chart
    for source, rel, target in schema.endpoints():
        assert f"  {source} -->|{rel}| {target}" in chart


def test_a_label_outside_the_areas_is_still_drawn() -> None:
    schema = load_schema()
    extra = NodeType(
        "Contract",
        "Contract",
        "A contract.",
        {"id": PropertySpec("id", "string", "id", "Id.", required=True)},
    )
    bigger = Schema(
        node_types={**schema.node_types, "Contract": extra},
        relationship_types=schema.relationship_types,
        provenance_properties=schema.provenance_properties,
    )
    assert areas_of(bigger)[-1] == (OTHER, ("Contract",))
    assert "Contract" in layout(bigger).boxes
    assert ">Contract</text>" in render_svg(bigger)
    assert dataclasses.replace(OTHER).key in mermaid_flowchart(bigger)
