"""Journey maps: the JSON Schema against the ontology and the reader, the annotated example of
docs/journey-maps.md through the real pipeline into a real engine, JSON against YAML, and bad
inputs located to file, line and field without changing the graph."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]

from loaders.export import export_json
from loaders.journeys import (
    _FIELDS,
    _LINKS,
    _LOADER,
    _SECTIONS,
    SCHEMA_FILE,
    _checker,
    _LineLoader,
    _Mapping,
    _parse_json,
    _parse_yaml,
    _ParseError,
    _validator,
    journey_map_schema,
    read_journey_map,
)
from loaders.pipeline import DEMO_DIR, Source, demo_sources, load
from loaders.records import LoadFailed, LoadProblem, NodeRecord, Origin
from ontology.model import load_schema
from queries.falkor import FalkorStore
from queries.generated import node_query, rel_query

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
DEMO_JOURNEYS = sorted((DEMO_DIR / "journeys").glob("*.yaml"))

# Properties the reader derives instead of reading them from a field.
DERIVED = {("Stage", "order"), ("Touchpoint", "order"), ("Measurement", "id")}
# Fields naming other items: (kind, field) -> (relationship type, whether the item is its source).
LINK_FIELDS = {
    ("Journey", "persona"): ("FOR_PERSONA", True),
    ("Journey", "owner"): ("OWNS", False),
    ("Touchpoint", "channel"): ("VIA", True),
    ("Touchpoint", "needs"): ("ADDRESSES", True),
    ("Touchpoint", "owner"): ("OWNS", False),
    ("Touchpoint", "processes"): ("SUPPORTS", False),
    ("Touchpoint", "systems"): ("SUPPORTS", False),
    ("Touchpoint", "next"): ("NEXT", True),
    ("Opportunity", "owner"): ("OWNS", False),
    ("Opportunity", "addresses"): ("ADDRESSES", True),
}
# Fields holding nested items: (kind, field) -> kind of the items.
NESTED = {
    ("Journey", "metrics"): "Measurement",
    ("Journey", "stages"): "Stage",
    ("Stage", "metrics"): "Measurement",
    ("Stage", "touchpoints"): "Touchpoint",
    ("Touchpoint", "metrics"): "Measurement",
    ("Touchpoint", "pain_points"): "PainPoint",
}
JSON_TYPES = {
    "string": "string",
    "integer": "integer",
    "decimal": "number",
    "boolean": "boolean",
    "date": "string",
}
# The scale of each metric (docs/formats.md and the comment on cx:metric in the ontology).
SCALES = {"csat": (1, 5), "nps": (-100, 100), "ces": (1, 7), "emotion": (-3, 3)}


def resolved(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with a local `$ref` merged in (the referring schema's keywords win)."""
    if "$ref" not in schema:
        return schema
    name = schema["$ref"].removeprefix("#/$defs/")
    return {
        **journey_map_schema()["$defs"][name],
        **{k: v for k, v in schema.items() if k != "$ref"},
    }


def types_of(schema: dict[str, Any]) -> set[str]:
    kind = schema["type"]
    return {kind} if isinstance(kind, str) else set(kind)


def problems_of(path: Path) -> list[LoadProblem]:
    return [i for i in read_journey_map(path, load_schema()) if isinstance(i, LoadProblem)]


def yaml_block(markdown: Path, after: str = "") -> str:
    """The first ```yaml code block of `markdown` after the text `after`."""
    text = markdown.read_text(encoding="utf-8")
    found = re.search(r"```yaml\n(.*?)```", text[text.index(after) :], re.S)
    assert found is not None
    return found.group(1)


def as_json(yaml_text: str) -> str:
    """A YAML journey map as JSON (YAML dates become ISO strings)."""
    return json.dumps(yaml.safe_load(yaml_text), indent=2, default=str, ensure_ascii=False)


async def snapshot(store: FalkorStore, path: Path) -> bytes:
    await export_json(store, path)
    return path.read_bytes()


# --- the schema ---------------------------------------------------------------------------


def test_the_schema_is_a_valid_draft_2020_12_schema_shipped_with_the_package() -> None:
    schema = journey_map_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert SCHEMA_FILE.parent == ROOT / "loaders"
    package_data = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"journey-map.schema.json"' in package_data
    for doc in ("journey-maps.md", "formats.md"):
        assert "(../loaders/journey-map.schema.json)" in (DOCS / doc).read_text(encoding="utf-8")


def test_every_property_has_a_title_and_a_description() -> None:
    def walk(schema: Any, where: str) -> list[str]:
        missing = []
        if isinstance(schema, dict):
            for name, prop in schema.get("properties", {}).items():
                if "title" not in prop or "description" not in prop:
                    missing.append(f"{where}/{name}")
            for key, value in schema.items():
                if key not in ("if", "then"):  # conditions repeat properties, not define them
                    missing += walk(value, f"{where}/{key}")
        elif isinstance(schema, list):
            for index, value in enumerate(schema):
                missing += walk(value, f"{where}/{index}")
        return missing

    schema = journey_map_schema()
    assert walk(schema, "") == []
    for name, definition in schema["$defs"].items():
        assert definition.get("title"), name
        assert definition.get("description"), name


def test_the_schema_has_the_fields_the_reader_reads() -> None:
    schema = journey_map_schema()
    sections = schema["properties"]
    assert set(sections) - {"$schema"} == set(_SECTIONS)
    for section, label in _SECTIONS.items():
        assert sections[section]["items"] == {"$ref": f"#/$defs/{label}"}
    for label, fields in _FIELDS.items():
        properties = schema["$defs"][label]["properties"]
        assert set(properties) == set(fields) | _LINKS.get(label, set()), label
        assert schema["$defs"][label]["additionalProperties"] is False
    for (label, field), kind in NESTED.items():
        nested = schema["$defs"][label]["properties"][field]
        assert nested["items"] == {"$ref": f"#/$defs/{kind}"}
        assert types_of(nested) == {"array", "null"}


def test_enumerations_and_ranges_are_those_of_the_ontology() -> None:
    ontology = load_schema()
    defs = journey_map_schema()["$defs"]
    for label, fields in _FIELDS.items():
        node_type = ontology.node_types[label]
        required = set()
        for field, prop in fields.items():
            spec = node_type.properties[prop]
            got = resolved(defs[label]["properties"][field])
            assert types_of(got) - {"null"} == {JSON_TYPES[spec.datatype]}, (label, field)
            assert ("null" in types_of(got)) is not spec.required, (label, field)
            assert got.get("enum") == (list(spec.allowed) if spec.allowed else None)
            assert got.get("minimum") == spec.minimum, (label, field)
            assert got.get("maximum") == spec.maximum, (label, field)
            if spec.pattern is not None:
                assert got["pattern"] == spec.pattern, (label, field)
            if spec.datatype == "date":
                assert got["format"] == "date", (label, field)
            if spec.required:
                required.add(field)
        for (source, field), (rel_type, outgoing) in LINK_FIELDS.items():
            if source != label:
                continue
            got = resolved(defs[label]["properties"][field])
            endpoints = [
                e
                for e in ontology.relationship_types[rel_type].endpoints
                if (e.source == label if outgoing else label in e.targets)
            ]
            assert len(endpoints) == 1 or not outgoing, (label, field)
            single = outgoing and endpoints[0].max_count == 1
            assert ("array" not in types_of(got)) is single, (label, field)
            assert got["pattern"] == ontology.node_types[label].properties["id"].pattern
            if outgoing and endpoints[0].min_count > 0:
                required.add(field)
        assert set(defs[label].get("required", [])) == required, label
    assert {(label, prop) for label, fields in _FIELDS.items() for prop in fields.values()} | (
        DERIVED
    ) >= {(label, prop) for label in _FIELDS for prop in ontology.node_types[label].properties}


def test_channel_kinds_and_the_other_enumerations_match_the_shapes() -> None:
    ontology = load_schema().node_types
    defs = journey_map_schema()["$defs"]
    assert defs["Channel"]["properties"]["kind"]["enum"] == list(
        ontology["Channel"].properties["kind"].allowed or ()
    )
    assert defs["Opportunity"]["properties"]["status"]["enum"] == [
        "idea",
        "planned",
        "in_progress",
        "done",
    ]
    severity = defs["PainPoint"]["properties"]["severity"]
    assert (severity["minimum"], severity["maximum"]) == (1, 5)
    assert (
        ontology["PainPoint"].properties["severity"].minimum,
        ontology["PainPoint"].properties["severity"].maximum,
    ) == (1, 5)


def test_each_metric_has_its_own_scale_within_the_ontology_range() -> None:
    spec = load_schema().node_types["Measurement"].properties
    measurement = journey_map_schema()["$defs"]["Measurement"]
    scales = {
        rule["if"]["properties"]["metric"]["const"]: (
            rule["then"]["properties"]["value"]["minimum"],
            rule["then"]["properties"]["value"]["maximum"],
        )
        for rule in measurement["allOf"]
    }
    assert scales == SCALES
    assert set(scales) == set(spec["metric"].allowed or ())
    assert spec["value"].minimum is not None
    assert spec["value"].maximum is not None
    for low, high in scales.values():
        assert spec["value"].minimum <= low < high <= spec["value"].maximum


@pytest.mark.parametrize("path", DEMO_JOURNEYS, ids=lambda p: p.name)
def test_every_demo_journey_file_validates_against_the_schema(path: Path) -> None:
    doc, _ = _parse_yaml(path.read_text(encoding="utf-8"))
    validator = Draft202012Validator(journey_map_schema(), format_checker=FormatChecker())
    assert [error.message for error in validator.iter_errors(doc)] == []
    assert problems_of(path) == []


@pytest.mark.parametrize("path", DEMO_JOURNEYS, ids=lambda p: p.name)
def test_libyaml_and_pure_python_parsing_agree_on_values_and_lines(path: Path) -> None:
    def lines(value: Any) -> list[tuple[str, int]]:
        found = []
        if isinstance(value, _Mapping):
            found.append((str(value.get("id", value.get("metric"))), value.line))
            value = list(value.values())
        if isinstance(value, list):
            for item in value:
                found += lines(item)
        return found

    text = path.read_text(encoding="utf-8")
    parsed = [yaml.load(text, Loader=loader) for loader in (_LOADER, _LineLoader)]
    assert parsed[0] == parsed[1]
    assert lines(parsed[0]) == lines(parsed[1])
    assert len(lines(parsed[0])) > 30


def test_the_example_in_formats_md_validates(tmp_path: Path) -> None:
    path = tmp_path / "formats.yaml"
    path.write_text(yaml_block(DOCS / "formats.md", "## Journey maps"), encoding="utf-8")
    assert problems_of(path) == []


# --- loading ------------------------------------------------------------------------------

EXAMPLE_NODES = {
    "Segment": 1,
    "Persona": 1,
    "Channel": 2,
    "CustomerNeed": 1,
    "Journey": 1,
    "Stage": 2,
    "Touchpoint": 4,
    "PainPoint": 2,
    "Opportunity": 1,
    "Measurement": 10,
}
EXAMPLE_RELATIONSHIPS = {
    "FOR_PERSONA": 1,
    "OWNS": 5,
    "HAS_STAGE": 2,
    "HAS_TOUCHPOINT": 4,
    "VIA": 4,
    "ADDRESSES": 5,
    "SUPPORTS": 9,
    "NEXT": 3,
    "OCCURS_AT": 2,
    "OF": 10,
}


def table_counts(markdown: str) -> dict[str, int]:
    """The counts of the table after the example in docs/journey-maps.md."""
    counts = {}
    for line in markdown[markdown.index("| nodes |") :].split("\n\n")[0].splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        for name, count in (cells[0:2], cells[2:4]):
            counts[name.split()[0]] = int(count)
    return counts


async def test_the_annotated_example_loads_with_the_counts_the_docs_give(
    empty_store: FalkorStore, tmp_path: Path
) -> None:
    example = tmp_path / "lost-phone.yaml"
    example.write_text(yaml_block(DOCS / "journey-maps.md"), encoding="utf-8")
    assert table_counts((DOCS / "journey-maps.md").read_text(encoding="utf-8")) == {
        **EXAMPLE_NODES,
        **EXAMPLE_RELATIONSHIPS,
    }
    await load(empty_store, demo_sources())

    report = await load(empty_store, [Source("journeys", example)])

    assert {k: c.created for k, c in report.nodes.items() if c.total} == EXAMPLE_NODES
    assert {k: c.created for k, c in report.relationships.items() if c.total} == (
        EXAMPLE_RELATIONSHIPS
    )
    assert report.totals() == {
        "created": sum(EXAMPLE_NODES.values()) + sum(EXAMPLE_RELATIONSHIPS.values()),
        "updated": 0,
        "unchanged": 0,
        "deleted": 0,
    }
    # what the docs say cxgraph derives: order, NEXT and measurement ids
    stages = await empty_store.read(node_query("get", "Stage"), {"ids": ["st-lost-replace"]})
    assert stages[0]["node"]["order"] == 2
    touchpoints = await empty_store.read(
        node_query("get", "Touchpoint"), {"ids": ["tp-lost-esim", "tp-lost-partner-shop"]}
    )
    assert sorted(row["node"]["order"] for row in touchpoints) == [1, 2]
    rows = await empty_store.read(rel_query("all", "Touchpoint", "NEXT", "Touchpoint"))
    assert sorted((r["from"], r["to"]) for r in rows if r["from"].startswith("tp-lost-")) == [
        ("tp-lost-blocked", "tp-lost-esim"),
        ("tp-lost-blocked", "tp-lost-partner-shop"),
        ("tp-lost-hotline", "tp-lost-blocked"),
    ]
    measured = await empty_store.read(
        node_query("get", "Measurement"), {"ids": ["m-st-lost-block-emotion-during"]}
    )
    assert measured[0]["node"]["value"] == -3
    again = await load(empty_store, [Source("journeys", example)])
    assert not again.changed


def strip_provenance(dump: bytes) -> list[dict[str, Any]]:
    """The export without load runs and without the provenance that names files and runs."""
    items = []
    for line in dump.decode("utf-8").splitlines():
        item = json.loads(line)
        if item.get("label") == "LoadRun":
            continue
        for key in ("source", "loadRun"):
            item["props"].pop(key, None)
        items.append(item)
    return items


async def test_json_journey_maps_load_to_the_same_graph_as_yaml(
    empty_store: FalkorStore, tmp_path: Path
) -> None:
    tables = [s for s in demo_sources() if s.kind != "journeys"]
    as_json_sources = []
    for path in DEMO_JOURNEYS:
        copy = tmp_path / f"{path.stem}.json"
        copy.write_text(as_json(path.read_text(encoding="utf-8")), encoding="utf-8")
        as_json_sources.append(Source("journeys", copy))
    yaml_store = empty_store
    json_store = empty_store.on_graph("from-json")
    await json_store.apply_schema()
    try:
        from_yaml = await load(
            yaml_store, [*tables, *(Source("journeys", p) for p in DEMO_JOURNEYS)]
        )
        from_json = await load(json_store, [*tables, *as_json_sources])
        assert from_json.as_dict()["nodes"] == from_yaml.as_dict()["nodes"]
        assert from_json.as_dict()["relationships"] == from_yaml.as_dict()["relationships"]
        assert from_yaml.nodes["Touchpoint"].created == 38
        yaml_dump = await snapshot(yaml_store, tmp_path / "yaml.jsonl")
        json_dump = await snapshot(json_store, tmp_path / "json.jsonl")
        assert strip_provenance(json_dump) == strip_provenance(yaml_dump)
        assert json_dump != yaml_dump  # only the provenance differs: sources name the files
    finally:
        await json_store.drop()


def test_json_records_point_at_the_line_of_their_object(tmp_path: Path) -> None:
    path = tmp_path / "switching.json"
    text = as_json((DEMO_DIR / "journeys" / "switching.yaml").read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    nodes = [i for i in read_journey_map(path, load_schema()) if isinstance(i, NodeRecord)]
    assert len(nodes) > 50
    for node in nodes:
        assert isinstance(node.origin.line, int)
        opening = lines[node.origin.line - 1]
        assert opening.rstrip().endswith("{"), node
        if node.label != "Measurement":
            assert lines[node.origin.line].strip() == f'"id": "{node.id}",', node


async def test_a_journey_whose_stages_have_no_touchpoints_loads(
    empty_store: FalkorStore, tmp_path: Path
) -> None:
    path = tmp_path / "draft.yaml"
    path.write_text(
        "journeys:\n  - id: j-draft\n    name: Draft\n    stages:\n"
        "      - {id: st-draft-1, name: First}\n      - {id: st-draft-2, name: Second}\n",
        encoding="utf-8",
    )
    report = await load(empty_store, [Source("journeys", path)])
    assert report.nodes["Stage"].created == 2
    assert report.relationships["NEXT"].total == 0


# --- bad input ----------------------------------------------------------------------------

# A small valid journey map that adds to the demo company; each case below breaks it.
BASE = """\
# A test journey added to the demo company.
channels:
  - id: ch-test-kiosk
    name: Airport kiosk
    kind: partner
journeys:
  - id: j-test
    name: Test journey
    persona: per-family
    owner: team-care
    stages:
      - id: st-test-one
        name: First stage
        metrics:
          - {metric: emotion, phase: before, value: 1}
          - {metric: csat, phase: after, value: 4.2, sample_size: 10}
        touchpoints:
          - id: tp-test-one
            name: First touchpoint
            channel: ch-test-kiosk
            verified_at: 2026-09-01
            pain_points:
              - id: pp-test-one
                name: Slow
                severity: 3
          - id: tp-test-two
            name: Second touchpoint
            channel: ch-web
"""


def line_of(text: str, marker: str) -> int:
    """The line (1-based) of the first line of `text` that holds `marker`."""
    return next(n for n, line in enumerate(text.splitlines(), start=1) if marker in line)


def edit(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


BAD_JSON = as_json(BASE).replace('"severity": 3', '"severity": 9')
# Each case: file name, content, the marker of the line the problem is at, field, message.
BAD_INPUTS: list[tuple[str, str | bytes, str | int, str | None, str]] = [
    (
        "unknown-channel-kind.yaml",
        edit("kind: partner", "kind: carrier-pigeon"),
        "- id: ch-test-kiosk",
        "kind",
        "/channels/0/kind: expected one of web, mobile_app, phone,",
    ),
    (
        "severity-9.yaml",
        edit("severity: 3", "severity: 9"),
        "- id: pp-test-one",
        "severity",
        "/journeys/0/stages/0/touchpoints/0/pain_points/0/severity: expected at most 5",
    ),
    (
        "touchpoint-without-name.yaml",
        edit("            name: Second touchpoint\n", ""),
        "- id: tp-test-two",
        "name",
        "/journeys/0/stages/0/touchpoints/1/name: a value is required",
    ),
    (
        "touchpoints-not-a-list.yaml",
        BASE[: BASE.index("        touchpoints:\n")] + "        touchpoints: tp-test-one\n",
        "- id: st-test-one",
        "touchpoints",
        "/journeys/0/stages/0/touchpoints: expected a list",
    ),
    (
        "unknown-section.yaml",
        BASE + "experiments:\n  - id: x\n",
        "experiments:",
        "experiments",
        "/experiments: unknown section; expected segments, personas,",
    ),
    (
        "duplicate-touchpoint.yaml",
        edit("- id: tp-test-two", "- id: tp-switch-compare-plans"),
        "- id: tp-switch-compare-plans",
        "id",
        "duplicate Touchpoint id, first given at " + str(DEMO_DIR / "journeys" / "switching.yaml"),
    ),
    (
        "next-unknown.yaml",
        edit(
            "            channel: ch-test-kiosk\n",
            "            channel: ch-test-kiosk\n            next: [tp-nowhere]\n",
        ),
        "- id: tp-test-one",
        "next",
        "no Touchpoint has this id (got 'tp-nowhere')",
    ),
    (
        "invalid-yaml.yaml",
        edit("    name: Test journey\n", "    name: Test journey\n   owner: team-web\n"),
        "   owner: team-web",
        None,
        # (the wording between depends on the parser: libyaml's or pyyaml's own)
        "not valid YAML: while parsing a block collection at line 7: ",
    ),
    (
        "binary.yaml",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
        1,
        None,
        "this is a binary file (it holds NUL bytes)",
    ),
    ("empty.yaml", "", 1, None, "the file is empty; expected a mapping with sections"),
    (
        "comments-only.yaml",
        "# nothing here yet\n\n",
        1,
        None,
        "the file is empty",
    ),
    (
        "metric-phase.yaml",
        edit("phase: before", "phase: beforehand"),
        "phase: beforehand",
        "phase",
        "/journeys/0/stages/0/metrics/0/phase: expected one of before, during, after",
    ),
    (
        "metric-scale.yaml",
        edit("value: 4.2", "value: 42"),
        "value: 42",
        "value",
        "/journeys/0/stages/0/metrics/1/value: expected at most 5 on the csat scale",
    ),
    (
        "metric-twice.yaml",
        edit("value: 4.2", "value: 4.2}\n          - {metric: csat, phase: after, value: 3.9"),
        "value: 3.9",
        "phase",
        "/journeys/0/stages/0/metrics/2/phase: csat after is already given for st-test-one",
    ),
    (
        "bad-date.yaml",
        edit("2026-09-01", "2026-13-01"),
        "- id: tp-test-one",
        "verified_at",
        "expected a date like 2026-09-14 (got '2026-13-01')",
    ),
    (
        "field-twice.yaml",
        edit("    name: Test journey\n", "    name: Test journey\n    name: Another name\n"),
        "- id: j-test",
        "name",
        "/journeys/0/name: field given more than once",
    ),
    (
        "number-as-id.yaml",
        edit("- id: tp-test-two", "- id: 2026"),
        "- id: 2026",
        "id",
        "expected text; put the value in quotes (got 2026)",
    ),
    (
        "not-utf8.yaml",
        edit("name: First stage", "name: Premi\xe8re \xe9tape").encode("latin-1"),
        "name: Premi",
        None,
        "not UTF-8 text",
    ),
    (
        "syntax.json",
        as_json(BASE).replace('"name": "First stage",', '"name": "First stage"'),
        '"metrics": [',
        None,
        "not valid JSON: Expecting ',' delimiter",
    ),
    (
        "severity-9.json",
        BAD_JSON,
        line_of(BAD_JSON, '"id": "pp-test-one"') - 1,
        "severity",
        "/journeys/0/stages/0/touchpoints/0/pain_points/0/severity: expected at most 5",
    ),
]


async def test_the_base_of_the_bad_inputs_loads(
    demo_store_copy: FalkorStore, tmp_path: Path
) -> None:
    for name, text in (("base.yaml", BASE), ("base.json", as_json(BASE))):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        report = await load(demo_store_copy, [Source("journeys", path)], dry_run=True)
        assert report.nodes["Touchpoint"].created == 2


@pytest.mark.parametrize(
    ("name", "content", "at", "field", "message"), BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS]
)
async def test_bad_input_is_located_and_changes_nothing(
    demo_store_copy: FalkorStore,
    tmp_path: Path,
    name: str,
    content: str | bytes,
    at: str | int,
    field: str | None,
    message: str,
) -> None:
    before = await snapshot(demo_store_copy, tmp_path / "before.jsonl")
    bad = tmp_path / name
    if isinstance(content, bytes):
        bad.write_bytes(content)
        text = content.decode("latin-1")
    else:
        bad.write_text(content, encoding="utf-8")
        text = content
    line = at if isinstance(at, int) else line_of(text, at)
    # the demo journeys come along, so that ids may clash with theirs
    sources = [Source("journeys", path) for path in DEMO_JOURNEYS] + [Source("journeys", bad)]

    with pytest.raises(LoadFailed) as failed:
        await load(demo_store_copy, sources)

    problems = failed.value.problems
    assert [p.origin for p in problems] == [Origin(str(bad), line, field)], problems
    assert message in str(problems[0]), problems[0]
    if name == "invalid-yaml.yaml":
        assert str(problems[0]).endswith(" at line 9, column 4")
    assert await snapshot(demo_store_copy, tmp_path / "after.jsonl") == before


def test_the_quick_check_and_the_located_report_agree_on_every_document() -> None:
    """A document the quick check passes is not reported on: it must find every mistake that
    the located report finds, on the bad inputs as on the good ones."""
    texts = [BASE, as_json(BASE), *(path.read_text(encoding="utf-8") for path in DEMO_JOURNEYS)]
    texts += [case[1] for case in BAD_INPUTS if isinstance(case[1], str)]
    compared = invalid = 0
    for text in texts:
        parse = _parse_json if text.lstrip().startswith("{") else _parse_yaml
        try:
            doc, _ = parse(text)
        except _ParseError:
            continue
        errors = list(_validator().iter_errors(doc))
        assert _checker().is_valid(doc) == (not errors), (text, errors)
        compared += 1
        invalid += bool(errors)
    assert compared >= 20, compared
    assert invalid >= 10, invalid


def test_every_schema_error_is_told_once_in_line_order(tmp_path: Path) -> None:
    content = (
        edit("kind: partner", "kind: carrier-pigeon")
        .replace("severity: 3", "severity: 9")
        .replace("            name: Second touchpoint\n", "            colour: blue\n")
        .replace("value: 4.2", "value: 400")
    )
    path = tmp_path / "many.yaml"
    path.write_text(content, encoding="utf-8")
    problems = problems_of(path)
    assert [(p.origin.line, p.origin.field) for p in problems] == [
        (line_of(content, "- id: ch-test-kiosk"), "kind"),
        (line_of(content, "value: 400"), "value"),
        (line_of(content, "- id: pp-test-one"), "severity"),
        (line_of(content, "- id: tp-test-two"), "colour"),
        (line_of(content, "- id: tp-test-two"), "name"),
    ]
    # the csat scale is told, not also the range of every metric
    assert problems[1].message.endswith("expected at most 5 on the csat scale")
    assert problems[1].value == 400
    assert "unknown field; a touchpoint has action, channel," in problems[3].message
