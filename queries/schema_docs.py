"""The analyst's schema reference, generated from the ontology as Markdown and as HTML.

It lives in `queries/` because it holds Cypher: an example query per allowed
(source, type, target) triple, which the tests lint as Neo4j 5 and run on the demo company.
The content is built once as a list of blocks (headings, paragraphs, tables, code, the
diagram) whose text uses a small Markdown subset (`code`, [links](#anchor), **bold**,
*emphasis*); the two renderers turn the same blocks into a Markdown file and a
self-contained HTML page, so the two cannot say different things.

`docs/schema.md` is committed; regenerate it after changing the ontology with
`cxgraph schema docs --output docs/schema.md` (or `python -m queries.schema_docs`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, RDFS, URIRef

from ontology.diagram import areas_of, mermaid_flowchart, render_svg
from ontology.model import Endpoint, NodeType, PropertySpec, Schema, load_schema, ontology_graph

SCHEMA_MD = Path(__file__).resolve().parents[1] / "docs" / "schema.md"
REGENERATE = "cxgraph schema docs --output docs/schema.md"

# ---------------------------------------------------------------------------------------
# Example queries
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """A read query showing one allowed (source, type, target) triple."""

    source: str
    type: str
    target: str
    text: str

    @property
    def name(self) -> str:
        """A stable name for lint reports: `schema-docs/OWNS/Team-Process`."""
        return f"schema-docs/{self.type}/{self.source}-{self.target}"


def _variable(label: str) -> str:
    return label[0].lower() + label[1:]


def _shown(node_type: NodeType) -> str:
    """The property that names a node to a reader: `name` where the label has one."""
    return "name" if "name" in node_type.properties else "id"


def example_queries(schema: Schema) -> list[Example]:
    """One example per allowed triple, in `schema.endpoints()` order.

    Each returns plain values only (valid Neo4j 5 Cypher that the embedded engine runs too),
    ten rows at most, in a stable order.
    """
    examples = []
    for source, rel, target in schema.endpoints():
        a = _variable(source)
        # a relationship between two nodes of one label names the far end by the type
        b = _variable(target) if target != source else _variable(_camel(rel)) + target
        a_prop = _shown(schema.node_types[source])
        b_prop = _shown(schema.node_types[target])
        text = (
            f"MATCH ({a}:{source})-[:{rel}]->({b}:{target})\n"
            f"RETURN {a}.{a_prop} AS {a}, {b}.{b_prop} AS {b}\n"
            f"ORDER BY {a}, {b}\n"
            "LIMIT 10"
        )
        examples.append(Example(source, rel, target, text))
    return examples


def _camel(rel_type: str) -> str:
    return "".join(part.capitalize() for part in rel_type.split("_"))


# ---------------------------------------------------------------------------------------
# Blocks
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    level: int
    text: str

    @property
    def anchor(self) -> str:
        return slug(self.text)


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Code:
    text: str
    caption: str


@dataclass(frozen=True)
class Picture:
    """The picture of the schema: a Mermaid block in Markdown, inline SVG in HTML."""


Block = Heading | Paragraph | Bullets | Table | Code | Picture


def slug(text: str) -> str:
    """The anchor GitHub gives a heading with this text (the HTML page uses the same ids)."""
    kept = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return kept.replace(" ", "-")


def _link(label: str) -> str:
    return f"[{label}](#{slug(label)})"


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _allowed(spec: PropertySpec) -> str:
    parts = []
    if spec.allowed is not None:
        parts.append("one of " + ", ".join(f"`{v}`" for v in spec.allowed))
    if spec.minimum is not None and spec.maximum is not None:
        parts.append(f"from {_number(spec.minimum)} to {_number(spec.maximum)}")
    elif spec.minimum is not None:
        parts.append(f"at least {_number(spec.minimum)}")
    elif spec.maximum is not None:
        parts.append(f"at most {_number(spec.maximum)}")
    if spec.pattern is not None:
        parts.append(f"matches `{spec.pattern}`")
    return "; ".join(parts)


def _titled(name: str, title: str, comment: str) -> str:
    """The comment, preceded by the title where it says more than the name itself."""
    if re.sub(r"[^a-z]", "", title.lower()) == re.sub(r"[^a-z]", "", name.lower()):
        return comment
    return f"*{title}*: {comment}"


def _meaning(spec: PropertySpec) -> str:
    return _titled(spec.name, spec.title, spec.comment)


def _how_many(min_count: int, max_count: int | None) -> str:
    if max_count == 1:
        return "exactly one" if min_count >= 1 else "at most one"
    if min_count >= 1:
        return f"at least {min_count}" if min_count > 1 else "at least one"
    return "any number"


def _either(schema: Schema, label: str, rel: str) -> str:
    """What a `sh:xone` of the label adds to the count of its `rel` relationships."""
    for group in schema.node_types[label].exactly_one:
        if rel in group:
            return ", and exactly one of " + " or ".join(_link(t) for t in group)
    return ""


def _incoming_count(schema: Schema, target: str, rel: str, source: str) -> str:
    for inc in schema.node_types[target].incoming:
        if inc.type == rel and inc.source == source:
            return _how_many(inc.min_count, inc.max_count)
    return "any number"


_DATATYPE_NOTES = {
    "string": "text",
    "integer": "a whole number",
    "decimal": "a number, possibly with a fraction",
    "boolean": "`true` or `false`",
    "date": "a date stored as text `YYYY-MM-DD`, so that comparing strings compares dates",
    "dateTime": "a date and time stored as ISO 8601 text in UTC, such as "
    "`2026-09-14T10:00:00+00:00`",
}


@dataclass(frozen=True)
class About:
    """What the ontology file says about itself."""

    title: str
    comment: str
    version: str


def ontology_about() -> About:
    graph = ontology_graph()
    ontology = graph.value(predicate=RDF.type, object=OWL.Ontology)
    if ontology is None:
        return About("cxgraph ontology", "", "")

    def text(predicate: URIRef) -> str:
        value = graph.value(ontology, predicate)
        return "" if value is None else str(value)

    return About(text(RDFS.label), text(RDFS.comment), text(OWL.versionInfo))


def build(schema: Schema, about: About) -> list[Block]:
    """The whole reference as blocks, in reading order."""
    blocks: list[Block] = [Heading(1, "cxgraph schema reference")]
    blocks += _overview(schema, about)
    blocks += [
        Heading(2, "Diagram"),
        Paragraph(
            "Each box is a node label, each arrow a relationship type from its source label to "
            "a target label it may point to; an arrow from a box back to itself links two "
            "nodes of the same label. The same information is spelled out, with how many of "
            "each a node may have, under [Relationship types](#relationship-types)."
        ),
        Picture(),
    ]
    blocks += _labels(schema)
    blocks += _relationships(schema)
    blocks += _property_keys(schema)
    seen: dict[str, str] = {}
    for block in blocks:
        if isinstance(block, Heading):
            if block.anchor in seen:
                raise ValueError(f"headings {seen[block.anchor]!r} and {block.text!r} collide")
            seen[block.anchor] = block.text
    return blocks


def _overview(schema: Schema, about: About) -> Iterator[Block]:
    version = f", version {about.version}" if about.version else ""
    yield Paragraph(
        f"Generated from the {about.title}{version} (`ontology/cx.ttl` and "
        f"`ontology/shapes.ttl`) by `{REGENERATE}`: do not edit it by hand."
    )
    yield Heading(2, "Overview")
    if about.comment:
        yield Paragraph(about.comment)
    pairs = sum(1 for _ in schema.endpoints())
    yield Paragraph(
        "cxgraph keeps the journey map and the organisation behind it in one graph: who the "
        "customers are, the journeys they go through and what they experience there, and the "
        "processes, systems, teams and people behind each touchpoint. It holds "
        f"{len(schema.node_types)} node labels, {len(schema.relationship_types)} relationship "
        f"types (with {pairs} allowed source and target pairs) and "
        f"{len(schema.property_keys)} property keys, in these areas:"
    )
    yield Table(
        ("area", "labels", "what it holds"),
        tuple(
            (_link(area.title), ", ".join(_link(label) for label in labels), area.summary)
            for area, labels in areas_of(schema)
        ),
    )
    yield from _blueprint(schema)
    yield Heading(3, "How to read this reference")
    used = sorted(
        {p.datatype for nt in schema.node_types.values() for p in nt.properties.values()},
        key=list(_DATATYPE_NOTES).index,
    )
    yield Bullets(
        (
            "**Labels** are grouped by area. Each lists its properties and the relationships "
            "that leave it (→) or reach it (←), with links to their sections.",
            "**type** of a property: "
            + "; ".join(f"*{d}*, {_DATATYPE_NOTES[d]}" for d in used)
            + ".",
            "**required**: every node of the label has the property, and loaders refuse data "
            "without it. Any other property may be missing: test it with `IS NULL` or "
            "`IS NOT NULL`.",
            "**allowed values**: what loaders accept, as an enumeration, an inclusive range or "
            "a pattern; nothing else is in the graph.",
            "**how many**: how many relationships of a type one node may or must have. "
            "*at most one* and *exactly one* mark a single-valued relationship: loading a new "
            "one replaces the old one.",
            "**Examples** show each relationship type between each pair of labels it may link. "
            "They are Neo4j 5 Cypher, checked by Neo4j's own parser, and run as they are on the "
            "embedded engine; they return plain values, never whole nodes. To keep your own "
            "queries running on both engines, identify nodes by their `id` property (not "
            "`elementId()`), and avoid `EXISTS { }` and `COUNT { }` subqueries, `=~` and "
            "`datetime()`.",
            "Every node and relationship written by a loader also records its provenance: see "
            "[Provenance properties](#provenance-properties).",
        )
    )


def _blueprint(schema: Schema) -> Iterator[Block]:
    """The blueprint rows and where the graph keeps them, when the ontology has them."""
    process = schema.node_types.get("Process")
    touchpoint = schema.node_types.get("Touchpoint")
    layer = process.properties.get("layer") if process else None
    if process is None or touchpoint is None or layer is None or layer.allowed is None:
        return
    yield Heading(3, "The service blueprint")
    yield Paragraph(
        "A service blueprint (Shostack; Bitner, Ostrom & Morgan) draws a journey as rows "
        "separated by lines: the *line of interaction* between the customer and the company, "
        "the *line of visibility* below which the customer sees nothing, and the *line of "
        "internal interaction* above the support processes. The graph keeps each row:"
    )
    rows = []
    if "evidence" in touchpoint.properties:
        rows.append(("physical evidence", f"the `evidence` property of a {_link('Touchpoint')}"))
    rows.append(
        (
            "customer actions",
            f"{_link('Touchpoint')} nodes"
            + (" (their `action` property)" if "action" in touchpoint.properties else "")
            + ", ordered within their [Stage](#stage)",
        )
    )
    lines = {
        "frontstage": "line of interaction",
        "backstage": "line of visibility",
        "support": "line of internal interaction",
    }
    for value in layer.allowed:
        if value in lines:
            rows.append((f"*{lines[value]}*", ""))
        where = f"{_link('Process')} nodes with `layer` = `{value}`"
        if value == "support" and "System" in schema.node_types:
            where += f", and the {_link('System')} nodes processes use"
        rows.append((f"{value} actions" if value != "support" else "support processes", where))
    yield Table(("blueprint row", "in the graph"), tuple(rows))
    yield Paragraph(
        f"The `layer` property of a process: {layer.comment} Processes are linked to the "
        f"touchpoints they are behind by [SUPPORTS](#supports), and to the teams accountable "
        f"and responsible for them by [OWNS](#owns) and [PERFORMS](#performs)."
    )


def _labels(schema: Schema) -> Iterator[Block]:
    yield Heading(2, "Node labels")
    yield Paragraph(
        "The classes of the ontology: the local name of each class is the node label in the graph."
    )
    for area, labels in areas_of(schema):
        yield Heading(3, area.title)
        yield Paragraph(area.summary)
        for label in labels:
            yield from _label(schema, schema.node_types[label])


def _label(schema: Schema, node_type: NodeType) -> Iterator[Block]:
    yield Heading(4, node_type.label)
    yield Paragraph(_titled(node_type.label, node_type.title, node_type.comment))
    yield Table(
        ("property", "type", "required", "allowed values", "meaning"),
        tuple(
            (
                f"`{p.name}`",
                p.datatype,
                "yes" if p.required else "no",
                _allowed(p),
                _meaning(p),
            )
            for p in node_type.properties.values()
        ),
    )
    rows: list[tuple[str, str, str]] = []
    for rel in schema.relationship_types.values():
        for ep in rel.endpoints:
            if ep.source == node_type.label:
                rows.append(
                    (
                        f"→ {_link(rel.type)}",
                        ", ".join(_link(t) for t in ep.targets),
                        _how_many(ep.min_count, ep.max_count)
                        + _either(schema, node_type.label, rel.type),
                    )
                )
    for rel in schema.relationship_types.values():
        for ep in rel.endpoints:
            if node_type.label in ep.targets:
                rows.append(
                    (
                        f"← {_link(rel.type)}",
                        _link(ep.source),
                        _incoming_count(schema, node_type.label, rel.type, ep.source),
                    )
                )
    if rows:
        yield Table(("relationship", "other end", f"how many per {node_type.label}"), tuple(rows))
    else:
        yield Paragraph(f"No relationship type leaves or reaches {node_type.label}.")


def _relationships(schema: Schema) -> Iterator[Block]:
    yield Heading(2, "Relationship types")
    yield Paragraph(
        "The object properties of the ontology: the local name of each is the relationship "
        "type in the graph. A relationship may link only the pairs of labels listed."
    )
    examples = {(e.source, e.type, e.target): e for e in example_queries(schema)}
    for rel in schema.relationship_types.values():
        yield Heading(3, rel.type)
        yield Paragraph(_titled(rel.type, rel.title, rel.comment))
        rows = []
        for ep in rel.endpoints:
            for target in ep.targets:
                rows.append(
                    (
                        f"{_link(ep.source)} → {_link(target)}",
                        _endpoint_count(ep) + _either(schema, ep.source, rel.type),
                        f"{_incoming_count(schema, target, rel.type, ep.source)} per {target}",
                    )
                )
        yield Table(("source → target", "per source node", "per target node"), tuple(rows))
        for ep in rel.endpoints:
            for target in ep.targets:
                example = examples[(ep.source, rel.type, target)]
                yield Code(example.text, f"{ep.source} {rel.type} {target}")


def _endpoint_count(ep: Endpoint) -> str:
    count = _how_many(ep.min_count, ep.max_count)
    single = " (single-valued)" if ep.max_count == 1 else ""
    return f"{count} per {ep.source}{single}"


def _property_keys(schema: Schema) -> Iterator[Block]:
    yield Heading(2, "Property keys")
    yield Paragraph(
        "Every property key of the graph, with the labels that carry it; the datatype of a "
        "key is the same on every label."
    )
    keys: dict[str, tuple[PropertySpec, list[str]]] = {}
    for node_type in schema.node_types.values():
        for spec in node_type.properties.values():
            keys.setdefault(spec.name, (spec, []))[1].append(node_type.label)
    rows = [
        (f"`{name}`", spec.datatype, ", ".join(_link(x) for x in labels), _meaning(spec))
        for name, (spec, labels) in sorted(keys.items(), key=lambda kv: kv[0].lower())
    ]
    rows += [
        (f"`{name}`", spec.datatype, "every node and relationship", _meaning(spec))
        for name, spec in schema.provenance_properties.items()
        if name not in keys
    ]
    yield Table(("key", "type", "labels", "meaning"), tuple(rows))
    yield Heading(3, "Provenance properties")
    yield Paragraph(
        "Every node and every relationship written by a loader records where it came from. "
        "These properties are not repeated in the tables of the labels."
    )
    yield Table(
        ("property", "type", "meaning"),
        tuple(
            (f"`{name}`", spec.datatype, _meaning(spec))
            for name, spec in schema.provenance_properties.items()
        ),
    )


# ---------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: Sequence[Block], schema: Schema) -> str:
    out = [f"<!-- Generated by `{REGENERATE}` from the ontology: do not edit. -->", ""]
    for block in blocks:
        match block:
            case Heading(level, text):
                out += ["#" * level + " " + text, ""]
            case Paragraph(text):
                out += [text, ""]
            case Bullets(items):
                out += [f"- {item}" for item in items] + [""]
            case Table(header, rows):
                out.append("| " + " | ".join(header) + " |")
                out.append("|" + "|".join("---" for _ in header) + "|")
                out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
                out.append("")
            case Code(text, caption):
                out += [f"{caption}:", "", "```cypher", text, "```", ""]
            case Picture():
                out += ["```mermaid", mermaid_flowchart(schema), "```", ""]
    return "\n".join(out).rstrip("\n") + "\n"


# ---------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------

_CODE_SPAN = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\[([^\]]+)\]\((#[\w\-]+)\)")
_STRONG = re.compile(r"\*\*(.+?)\*\*")
_EM = re.compile(r"\*([^*]+)\*")


def inline_html(text: str) -> str:
    """The Markdown subset of the blocks as HTML: code, internal links, bold, emphasis."""
    parts = _CODE_SPAN.split(text)
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            out.append(f"<code>{escape(part)}</code>")
            continue
        html = escape(part, quote=False)
        html = _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', html)
        html = _STRONG.sub(r"<strong>\1</strong>", html)
        out.append(_EM.sub(r"<em>\1</em>", html))
    return "".join(out)


_STYLE = """
:root { color-scheme: light dark; --ink: #1f2937; --muted: #4b5563; --paper: #ffffff;
  --rule: #d1d5db; --soft: #f3f4f6; --link: #1d4ed8; }
@media (prefers-color-scheme: dark) {
  :root { --ink: #e5e7eb; --muted: #9ca3af; --paper: #111827; --rule: #374151;
    --soft: #1f2937; --link: #93c5fd; }
}
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5;
  color: var(--ink); background: var(--paper); }
body { margin: 0; }
a { color: var(--link); }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  font-size: 0.9em; }
code { background: var(--soft); padding: 0.05em 0.3em; border-radius: 3px;
  overflow-wrap: anywhere; }
pre { background: var(--soft); padding: 0.75rem 1rem; border-radius: 6px; overflow-x: auto;
  margin: 0.25rem 0 1rem; }
pre code { background: none; padding: 0; overflow-wrap: normal; }
.skip { position: absolute; left: -100vw; }
.skip:focus { left: 1rem; top: 1rem; background: var(--paper); padding: 0.5rem; }
.page { display: grid; grid-template-columns: minmax(0, 1fr); }
nav { padding: 0.5rem 1.25rem 1rem; border-bottom: 1px solid var(--rule); font-size: 0.95em; }
nav h2 { margin: 0.5rem 0; padding: 0; border: none; font-size: 1.1em; }
nav ol { list-style: none; padding: 0; margin: 0.2rem 0; }
nav ol ol { display: flex; flex-wrap: wrap; gap: 0.1rem 0.9rem; margin: 0.1rem 0 0.4rem 1rem; }
nav ol ol ol { margin-left: 0; }
header, main { padding: 0 1.25rem; max-width: 62rem; min-width: 0; }
main { padding-bottom: 3rem; }
h1, h2, h3, h4 { line-height: 1.25; scroll-margin-top: 1rem; }
h2 { margin-top: 2.5rem; padding-top: 0.5rem; border-top: 2px solid var(--rule); }
h4 { margin-bottom: 0.25rem; font-size: 1.1em; }
.anchor { margin-left: 0.4rem; text-decoration: none; color: var(--muted); font-weight: normal; }
.anchor:hover, .anchor:focus { color: var(--link); }
.table { overflow-x: auto; margin: 0.5rem 0 1rem; }
table { border-collapse: collapse; min-width: 100%; font-size: 0.95em; }
th, td { text-align: left; vertical-align: top; padding: 0.3rem 0.6rem;
  border-bottom: 1px solid var(--rule); }
th { border-bottom-width: 2px; }
td code { white-space: nowrap; overflow-wrap: normal; }
td:last-child { min-width: 15rem; }
.example { margin: 0; }
.example figcaption { color: var(--muted); font-size: 0.9em; }
.diagram { margin: 1rem 0; }
.diagram-scroll { overflow-x: auto; border: 1px solid var(--rule); border-radius: 6px;
  background: #ffffff; }
.diagram svg { display: block; width: 100%; min-width: 56rem; height: auto; }
.diagram figcaption { color: var(--muted); font-size: 0.9em; margin-top: 0.4rem; }
footer { color: var(--muted); font-size: 0.9em; padding: 1rem 1.25rem;
  border-top: 1px solid var(--rule); }
@media (min-width: 75rem) {
  .page { grid-template-columns: 17rem minmax(0, 1fr); }
  header { grid-column: 2; }
  nav { grid-column: 1; grid-row: 1 / span 2; position: sticky; top: 0; align-self: start;
    max-height: 100vh; overflow-y: auto; border-bottom: none;
    border-right: 1px solid var(--rule); }
  nav ol ol { display: block; margin: 0.1rem 0 0.2rem 0.9rem; }
  main { grid-column: 2; }
  .diagram { width: min(calc(100vw - 20rem), 100rem); }
}
"""


def _nav(blocks: Sequence[Block]) -> str:
    """A nested table of contents of the h2 to h4 headings."""
    root: list[tuple[Heading, list[Any]]] = []
    stack: list[tuple[int, list[tuple[Heading, list[Any]]]]] = [(1, root)]
    for block in blocks:
        if not isinstance(block, Heading) or block.level < 2:
            continue
        while stack[-1][0] >= block.level:
            stack.pop()
        children: list[tuple[Heading, list[Any]]] = []
        stack[-1][1].append((block, children))
        stack.append((block.level, children))

    def items(entries: list[tuple[Heading, list[Any]]]) -> str:
        return (
            "<ol>"
            + "".join(
                f'<li><a href="#{h.anchor}">{escape(h.text)}</a>'
                + (items(kids) if kids else "")
                + "</li>"
                for h, kids in entries
            )
            + "</ol>"
        )

    return f'<nav aria-labelledby="contents"><h2 id="contents">Contents</h2>{items(root)}</nav>'


def to_html(blocks: Sequence[Block], schema: Schema, about: About) -> str:
    title = next(b.text for b in blocks if isinstance(b, Heading) and b.level == 1)
    first_h2 = next(i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.level == 2)
    header = ["<header>", *_html_blocks(blocks[:first_h2], schema), "</header>"]
    body = _html_blocks(blocks[first_h2:], schema)
    version = f" version {escape(about.version)}" if about.version else ""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title)}</title>",
            f"<style>{_STYLE}</style>",
            "</head>",
            "<body>",
            '<a class="skip" href="#main">Skip to the reference</a>',
            '<div class="page">',
            *header,
            _nav(blocks),
            '<main id="main">',
            *body,
            "</main>",
            "</div>",
            f"<footer>Generated from the {escape(about.title)}{version}.</footer>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _html_blocks(blocks: Sequence[Block], schema: Schema) -> list[str]:
    body: list[str] = []
    in_section = False
    for block in blocks:
        match block:
            case Heading(level, text):
                if level <= 2 and in_section:
                    body.append("</section>")
                    in_section = False
                if level == 2:
                    body.append(f'<section aria-labelledby="{block.anchor}">')
                    in_section = True
                link = (
                    f'<a class="anchor" href="#{block.anchor}" '
                    f'aria-label="Link to {escape(text)}">#</a>'
                    if level > 1
                    else ""
                )
                body.append(f'<h{level} id="{block.anchor}">{escape(text)}{link}</h{level}>')
            case Paragraph(text):
                body.append(f"<p>{inline_html(text)}</p>")
            case Bullets(items):
                body.append(
                    "<ul>" + "".join(f"<li>{inline_html(item)}</li>" for item in items) + "</ul>"
                )
            case Table(header, rows):
                head = "".join(f'<th scope="col">{escape(h)}</th>' for h in header)
                cells = "".join(
                    "<tr>" + "".join(f"<td>{inline_html(c)}</td>" for c in row) + "</tr>"
                    for row in rows
                )
                body.append(
                    f'<div class="table"><table><thead><tr>{head}</tr></thead>'
                    f"<tbody>{cells}</tbody></table></div>"
                )
            case Code(text, caption):
                body.append(
                    f'<figure class="example"><figcaption>{escape(caption)}</figcaption>'
                    f'<pre><code class="language-cypher">{escape(text)}</code></pre></figure>'
                )
            case Picture():
                body.append(
                    '<figure class="diagram"><div class="diagram-scroll">'
                    + render_svg(schema)
                    + "</div><figcaption>Node labels in columns by area, relationship types as "
                    'arrows. In words: <a href="#relationship-types">Relationship types</a>.'
                    "</figcaption></figure>"
                )
    if in_section:
        body.append("</section>")
    return body


# ---------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------


def render_markdown(schema: Schema | None = None) -> str:
    """The reference as Markdown (what docs/schema.md holds), with a Mermaid diagram."""
    schema = schema or load_schema()
    return to_markdown(build(schema, ontology_about()), schema)


def render_html(schema: Schema | None = None) -> str:
    """The reference as one self-contained HTML page, with the diagram as inline SVG."""
    schema = schema or load_schema()
    about = ontology_about()
    return to_html(build(schema, about), schema, about)


@lru_cache(maxsize=1)
def schema_html() -> str:
    """The HTML reference of the shipped ontology, built once per process (to serve)."""
    return render_html(load_schema())


def main(path: Path = SCHEMA_MD) -> None:
    """Write docs/schema.md."""
    path.write_text(render_markdown(), encoding="utf-8")


if __name__ == "__main__":
    main()
