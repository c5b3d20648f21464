"""Journey-map sources (YAML or JSON): segments, personas, channels, needs, journeys and
opportunities.

See docs/formats.md and docs/journey-maps.md. A file is read in three steps:

1. Parse it, keeping the line each mapping (JSON object) starts on: `.json` files with a JSON
   parser, everything else as YAML.
2. Validate it against `journey-map.schema.json` (JSON Schema, draft 2020-12). Each error
   becomes one problem at the line of the item it is about, with the field and the error's
   JSON pointer. A file with schema errors yields those problems and no records.
3. Read the valid document into nodes and relationships. What the schema cannot express is
   checked here: numbers must be finite, and a metric may be given once per phase and item.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]

from loaders.records import Batch, Item, LoadProblem, NodeRecord, Origin, RelRecord
from ontology.model import Schema
from ontology.values import BadValue, coerce

SCHEMA_FILE = Path(__file__).resolve().parent / "journey-map.schema.json"
"""The JSON Schema of journey-map files; shipped with the package, linked from the docs."""


class _Mapping(dict[str, Any]):
    """A mapping of a journey-map document that knows where it came from."""

    line: int = 0
    """Line the mapping starts on (1-based)."""
    pointer: str = ""
    """JSON pointer of the mapping within its document."""
    key_lines: dict[str, int]
    """Line of each key (in JSON: of its value)."""
    repeated: list[str]
    """Keys given more than once (the last value is kept)."""


def _mapping(pairs: list[tuple[Any, Any, int]], line: int) -> _Mapping:
    mapping = _Mapping()
    mapping.line = line
    mapping.key_lines = {}
    mapping.repeated = []
    for key, value, key_line in pairs:
        name = str(key)
        if name in mapping:
            mapping.repeated.append(name)
        mapping[name] = value
        mapping.key_lines[name] = key_line
    return mapping


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> _Mapping:
    """A mapping that remembers its lines (1-based) and the keys given twice."""
    own = [
        str(loader.construct_object(key, deep=True))
        for key, _ in node.value
        if key.tag != "tag:yaml.org,2002:merge"
    ]
    loader.flatten_mapping(node)  # merge keys (<<) first, as the safe loader does
    pairs = [
        (
            loader.construct_object(key, deep=True),
            loader.construct_object(value, deep=True),
            key.start_mark.line + 1,
        )
        for key, value in node.value
    ]
    mapping = _mapping(pairs, node.start_mark.line + 1)
    # keys a merge brings in may be overridden; only the mapping's own keys may not repeat
    mapping.repeated = [key for index, key in enumerate(own) if key in own[:index]]
    return mapping


def _construct_text(loader: Any, node: yaml.ScalarNode) -> str:
    """Dates stay text, as in JSON: the schema checks them (a bad one like 2026-13-01 would
    otherwise fail inside the YAML parser)."""
    return str(loader.construct_scalar(node))


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader whose mappings remember their lines."""


_LOADER: type[yaml.SafeLoader | yaml.CSafeLoader] = _LineLoader
try:

    class _FastLineLoader(yaml.CSafeLoader):
        """The same on libyaml's parser, several times faster (pyyaml's wheels include it)."""

    _LOADER = _FastLineLoader
except AttributeError:  # pyyaml built without libyaml
    pass
for _loader in {_LineLoader, _LOADER}:
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)


def _empty() -> str:
    return "the file is empty; expected a mapping with sections " + ", ".join(_SECTIONS)


class _ParseError(Exception):
    def __init__(self, line: int | str, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _yaml_error(exc: yaml.MarkedYAMLError) -> tuple[int | str, str]:
    """The line of a YAML error and a one-line message about it."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return "?", f"not valid YAML: {exc}"
    message = "not valid YAML: "
    if exc.context and exc.problem:
        at = f" at line {exc.context_mark.line + 1}" if exc.context_mark is not None else ""
        message += f"{exc.context}{at}: "
    message += f"{exc.problem or exc.context} at line {mark.line + 1}, column {mark.column + 1}"
    return mark.line + 1, message


def _parse_yaml(text: str) -> tuple[Any, int]:
    """The document and the line it starts on."""
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:  # nothing but comments
            raise _ParseError(1, _empty())
        return loader.construct_document(node), node.start_mark.line + 1
    except yaml.MarkedYAMLError as exc:
        raise _ParseError(*_yaml_error(exc)) from None
    except yaml.reader.ReaderError as exc:
        raise _ParseError(_line_of(text, exc.position), f"not valid YAML: {exc}") from None
    except yaml.YAMLError as exc:
        raise _ParseError("?", f"not valid YAML: {exc}") from None
    except RecursionError:
        raise _ParseError("?", "not valid YAML: nested too deeply") from None
    finally:
        loader.dispose()


def _parse_json(text: str) -> tuple[Any, int]:
    """The document and the line it starts on; objects become `_Mapping`s with lines.

    The pure-Python scanner of the json module calls `parse_object` for every object, with
    the position after its `{`; the positions give the lines."""
    newlines = [m.start() for m in re.finditer("\n", text)]

    def line(index: int) -> int:
        return bisect.bisect_left(newlines, index) + 1

    def parse_object(
        s_and_end: tuple[str, int],
        strict: bool,
        scan_once: Callable[[str, int], tuple[Any, int]],
        object_hook: Any,
        object_pairs_hook: Any,
        memo: dict[str, str] | None = None,
    ) -> tuple[_Mapping, int]:
        starts: list[int] = []

        def scan_value(string: str, index: int) -> tuple[Any, int]:
            starts.append(index)
            return scan_once(string, index)

        pairs, end = json.decoder.JSONObject(  # type: ignore[attr-defined]
            s_and_end, strict, scan_value, None, list, memo
        )
        mapping = _mapping(
            [(k, v, line(at)) for (k, v), at in zip(pairs, starts, strict=True)],
            line(s_and_end[1] - 1),
        )
        return mapping, end

    # (the stubs of the json module do not declare these internals)
    decoder = json.JSONDecoder()
    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        doc = decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise _ParseError(
            exc.lineno, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise _ParseError("?", "not valid JSON: nested too deeply") from None
    return doc, line(len(text) - len(text.lstrip()))


def _annotate(value: Any, pointer: str = "") -> None:
    """Tell every mapping in `value` its JSON pointer."""
    if isinstance(value, _Mapping):
        value.pointer = pointer
        for key, item in value.items():
            _annotate(item, f"{pointer}/{_escape(key)}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _annotate(item, f"{pointer}/{index}")


def _escape(part: str | int) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


# --- the schema ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def journey_map_schema() -> dict[str, Any]:
    """The JSON Schema of journey-map files, parsed."""
    schema: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return schema


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = journey_map_schema()
    Draft202012Validator.check_schema(schema)
    # the same schema with its references replaced by what they refer to: validates about
    # three times faster
    return Draft202012Validator(_inline(schema, schema["$defs"]), format_checker=FormatChecker())


@lru_cache(maxsize=1)
def _checker() -> Any:
    """A compiled validator of the same schema that only says whether a document is valid.

    Most files are: they skip the located reporting of `_validator`, which takes seconds for
    a large journey map."""
    return jsonschema_rs.Draft202012Validator(journey_map_schema(), validate_formats=True)


def _inline(schema: Any, defs: dict[str, Any], seen: frozenset[str] = frozenset()) -> Any:
    """`schema` with each `{"$ref": "#/$defs/X", ...}` replaced by definition X merged with
    the keywords beside the reference (which win, as titles and descriptions should)."""
    if isinstance(schema, list):
        return [_inline(item, defs, seen) for item in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref", "")
    name = ref.removeprefix("#/$defs/")
    if not ref.startswith("#/$defs/") or name in seen:  # another kind of reference, or a cycle
        return {key: _inline(value, defs, seen) for key, value in schema.items()}
    rest = {key: value for key, value in schema.items() if key != "$ref"}
    return _inline({**defs[name], **rest}, defs, seen | {name})


_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
}
_ID_PATTERN = r"^[^\s]+$"


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _describe(error: Any, doc: Any, parts: list[str | int]) -> tuple[str, Any]:
    """A message for one schema error at `parts` (worded as the other readers word theirs)
    and the offending value, if it is worth showing."""
    kind, expected, instance = error.validator, error.validator_value, error.instance
    shown = None if isinstance(instance, dict | list) else instance
    sections = ", ".join(_SECTIONS)
    if kind == "required":
        return "a value is required", None
    if kind == "additionalProperties":
        if len(parts) == 1:
            return f"unknown section; expected {sections}", None
        title = str(error.schema.get("title", "item")).lower()
        return f"unknown field; a {title} has {', '.join(sorted(error.schema['properties']))}", None
    if kind == "type":
        types = [expected] if isinstance(expected, str) else list(expected)
        if not parts:
            return f"expected a mapping with sections {sections}", shown
        if types == ["object"]:
            title = str(error.schema.get("title", "item")).lower()
            return f"expected a mapping describing a {title}", shown
        if instance is None:
            return "a value is required", None
        if "string" in types and "array" in types:
            return "expected an id or a list of ids", shown
        if types == ["string"] and isinstance(instance, list):
            return "expected one id, not a list", None
        names = " or ".join(_TYPE_NAMES[t] for t in types if t in _TYPE_NAMES)
        if types[0] == "string" and isinstance(instance, bool | int | float):
            return f"expected {names}; put the value in quotes", shown
        return f"expected {names}", shown
    if kind == "enum":
        return "expected one of " + ", ".join(str(v) for v in expected), shown
    if kind in ("minimum", "maximum"):
        text = f"expected at {'least' if kind == 'minimum' else 'most'} {_number(expected)}"
        if "then" in error.relative_schema_path:  # a metric's own scale
            metric = _node_at(doc, parts[:-1]).get("metric")
            text += f" on the {metric} scale"
        return text, shown
    if kind == "minLength" or (kind == "pattern" and expected == r"\S"):
        return "must not be empty", shown
    if kind == "pattern" and expected == _ID_PATTERN:
        return "expected an id: text without spaces", shown
    if kind == "format" and expected == "date":
        return "expected a date like 2026-09-14", shown
    return str(error.message), shown


def _node_at(doc: Any, parts: list[str | int]) -> Any:
    node = doc
    for part in parts:
        node = node[part]
    return node


def _child(node: Any, part: str | int) -> Any:
    try:
        return node[part]
    except (KeyError, IndexError, TypeError):
        return None


def _locate(doc: Any, parts: list[str | int]) -> tuple[_Mapping | None, str | None]:
    """The innermost mapping on the way to `parts` and the field by which the way leaves it
    (None when `parts` ends at the mapping)."""
    mapping: _Mapping | None = None
    field: str | None = None
    node = doc
    for part in parts:
        if isinstance(node, _Mapping):
            mapping, field = node, str(part)
        node = _child(node, part)
        if node is None:  # a missing field (required), or a value left empty
            return mapping, field
    if isinstance(node, _Mapping):
        return node, None
    return mapping, field


def _schema_problems(file: str, doc: Any, root_line: int) -> list[LoadProblem]:
    """One problem for each place where `doc` breaks the schema, in line order."""
    if _checker().is_valid(doc):
        return []
    found: list[tuple[tuple[int, int], list[str | int], Any]] = []
    for order, error in enumerate(_validator().iter_errors(doc)):
        parts: list[str | int] = list(error.absolute_path)
        if error.validator == "required":
            places = [[*parts, key] for key in error.validator_value if key not in error.instance]
        elif error.validator == "additionalProperties":
            allowed = error.schema.get("properties", {})
            places = [[*parts, key] for key in error.instance if key not in allowed]
        else:
            places = [parts]
        # a metric's own scale says more than the range of every metric
        priority = 0 if "then" in error.relative_schema_path else 1
        found += [((priority, order), place, error) for place in places]
    problems: dict[str, tuple[int, LoadProblem]] = {}
    for _, place, error in sorted(found, key=lambda f: f[0]):
        pointer = "".join(f"/{_escape(p)}" for p in place)
        if pointer in problems:  # one problem per place: the same mistake is told once
            continue
        mapping, field = _locate(doc, place)
        root = mapping is doc
        if mapping is None:
            line = root_line
        elif root and field is not None and field in mapping.key_lines:
            line = mapping.key_lines[field]  # top-level sections: the section's own line
        else:
            line = mapping.line
        text, value = _describe(error, doc, place)
        problems[pointer] = (
            line,
            LoadProblem(Origin(file, line, field), f"{pointer}: {text}" if place else text, value),
        )
    return [problem for _, problem in sorted(problems.values(), key=lambda p: p[0])]


def _repeated_keys(file: str, value: Any) -> Iterator[LoadProblem]:
    """A problem for every key given twice in one mapping (parsers keep the last silently)."""
    if isinstance(value, _Mapping):
        for key in value.repeated:
            yield LoadProblem(
                Origin(file, value.line, key),
                f"{value.pointer}/{_escape(key)}: field given more than once",
            )
        for item in value.values():
            yield from _repeated_keys(file, item)
    elif isinstance(value, list):
        for item in value:
            yield from _repeated_keys(file, item)


# --- reading a valid document into records --------------------------------------------------

# Fields of each item kind: field name -> property key. Other fields are handled in code.
_FIELDS: dict[str, dict[str, str]] = {
    "Segment": {"id": "id", "name": "name", "description": "description"},
    "Persona": {"id": "id", "name": "name", "description": "description"},
    "Channel": {"id": "id", "name": "name", "kind": "kind"},
    "CustomerNeed": {"id": "id", "name": "name", "description": "description"},
    "Journey": {
        "id": "id",
        "name": "name",
        "description": "description",
        "verified_at": "verifiedAt",
    },
    "Stage": {"id": "id", "name": "name", "description": "description"},
    "Touchpoint": {
        "id": "id",
        "name": "name",
        "description": "description",
        "action": "action",
        "evidence": "evidence",
        "moment_of_truth": "momentOfTruth",
        "verified_at": "verifiedAt",
    },
    "PainPoint": {
        "id": "id",
        "name": "name",
        "description": "description",
        "severity": "severity",
        "category": "category",
    },
    "Opportunity": {
        "id": "id",
        "name": "name",
        "description": "description",
        "status": "status",
        "verified_at": "verifiedAt",
    },
    "Measurement": {
        "metric": "metric",
        "phase": "phase",
        "value": "value",
        "sample_size": "sampleSize",
        "date": "date",
    },
}
# Fields that name other items or hold nested items, by item kind.
_LINKS: dict[str, set[str]] = {
    "Journey": {"persona", "owner", "metrics", "stages"},
    "Stage": {"metrics", "touchpoints"},
    "Touchpoint": {
        "channel",
        "needs",
        "owner",
        "processes",
        "systems",
        "next",
        "metrics",
        "pain_points",
    },
    "Opportunity": {"owner", "addresses"},
}
# Top-level sections and the kind of their items.
_SECTIONS = {
    "segments": "Segment",
    "personas": "Persona",
    "channels": "Channel",
    "needs": "CustomerNeed",
    "journeys": "Journey",
    "opportunities": "Opportunity",
}


class _Reader:
    """Reads a document that passed the schema into a batch of records."""

    def __init__(self, file: str, schema: Schema) -> None:
        self.file = file
        self.schema = schema
        self.batch = Batch()

    def origin(self, item: _Mapping, field: str | None = None) -> Origin:
        return Origin(self.file, item.line, field)

    def problem(self, item: _Mapping, field: str, message: str, value: Any = None) -> None:
        pointer = f"{item.pointer}/{_escape(field)}"
        self.batch.problems.append(
            LoadProblem(self.origin(item, field), f"{pointer}: {message}", value)
        )

    def node(self, label: str, item: _Mapping, node_id: str | None = None) -> str | None:
        """Read one item into a node; its id, or None when a value is unusable."""
        node_type = self.schema.node_types[label]
        props: dict[str, Any] = {"id": node_id} if node_id else {}
        usable = True
        for key, prop in _FIELDS[label].items():
            raw = item.get(key)
            if raw is None:
                continue
            spec = node_type.properties[prop]
            if spec.datatype == "integer" and isinstance(raw, float) and raw.is_integer():
                raw = int(raw)  # 4.0 is a whole number in JSON (Schema)
            try:
                props[prop] = coerce(raw, spec)
            except BadValue as exc:
                self.problem(item, key, str(exc), raw)
                usable = False
        if not usable:
            return None
        self.batch.nodes.append(NodeRecord(label, props["id"], props, self.origin(item)))
        return str(props["id"])

    def ids(self, item: _Mapping, key: str) -> Iterator[str]:
        value = item.get(key)
        for one in value if isinstance(value, list) else [] if value is None else [value]:
            yield one.strip()

    def link(
        self, item: _Mapping, key: str, rel: str, source: tuple[str, str], target: str
    ) -> None:
        """Relationships from node `source` (label, id) to the ids listed under `key`."""
        for other in self.ids(item, key):
            self.batch.rels.append(RelRecord(rel, *source, target, other, self.origin(item, key)))

    def owner(self, item: _Mapping, label: str, node_id: str) -> None:
        for team in self.ids(item, "owner"):
            self.batch.rels.append(
                RelRecord("OWNS", "Team", team, label, node_id, self.origin(item, "owner"))
            )

    def metrics(self, item: _Mapping, label: str, node_id: str) -> None:
        seen: dict[str, int] = {}
        for metric in item.get("metrics") or []:
            measurement_id = f"m-{node_id}-{metric['metric']}-{metric['phase']}"
            if measurement_id in seen:
                self.problem(
                    metric,
                    "phase",
                    f"{metric['metric']} {metric['phase']} is already given for {node_id} "
                    f"at line {seen[measurement_id]}; a metric is measured once per phase",
                    metric["phase"],
                )
                continue
            seen[measurement_id] = metric.line
            if self.node("Measurement", metric, measurement_id) is not None:
                self.batch.rels.append(
                    RelRecord(
                        "OF", "Measurement", measurement_id, label, node_id, self.origin(metric)
                    )
                )

    def journey(self, item: _Mapping) -> None:
        journey_id = self.node("Journey", item)
        if journey_id is None:
            return
        self.link(item, "persona", "FOR_PERSONA", ("Journey", journey_id), "Persona")
        self.owner(item, "Journey", journey_id)
        self.metrics(item, "Journey", journey_id)
        sequence: list[tuple[str, _Mapping]] = []
        for position, stage in enumerate(item.get("stages") or [], start=1):
            stage_id = self.node("Stage", stage)
            if stage_id is None:
                continue
            self.batch.nodes[-1].props["order"] = position
            self.batch.rels.append(
                RelRecord("HAS_STAGE", "Journey", journey_id, "Stage", stage_id, self.origin(stage))
            )
            self.metrics(stage, "Stage", stage_id)
            for tp_position, touchpoint in enumerate(stage.get("touchpoints") or [], start=1):
                tp_id = self.touchpoint(touchpoint, tp_position)
                if tp_id is not None:
                    self.batch.rels.append(
                        RelRecord(
                            "HAS_TOUCHPOINT",
                            "Stage",
                            stage_id,
                            "Touchpoint",
                            tp_id,
                            self.origin(touchpoint),
                        )
                    )
                    sequence.append((tp_id, touchpoint))
        for position, (tp_id, touchpoint) in enumerate(sequence, start=1):
            source = ("Touchpoint", tp_id)
            if "next" in touchpoint:
                self.link(touchpoint, "next", "NEXT", source, "Touchpoint")
            elif position < len(sequence):
                following = sequence[position][0]
                self.batch.rels.append(
                    RelRecord("NEXT", *source, "Touchpoint", following, self.origin(touchpoint))
                )

    def touchpoint(self, item: _Mapping, position: int) -> str | None:
        tp_id = self.node("Touchpoint", item)
        if tp_id is None:
            return None
        self.batch.nodes[-1].props["order"] = position
        source = ("Touchpoint", tp_id)
        self.link(item, "channel", "VIA", source, "Channel")
        self.link(item, "needs", "ADDRESSES", source, "CustomerNeed")
        self.owner(item, "Touchpoint", tp_id)
        for process in self.ids(item, "processes"):
            self.batch.rels.append(
                RelRecord("SUPPORTS", "Process", process, *source, self.origin(item, "processes"))
            )
        for system in self.ids(item, "systems"):
            self.batch.rels.append(
                RelRecord("SUPPORTS", "System", system, *source, self.origin(item, "systems"))
            )
        self.metrics(item, "Touchpoint", tp_id)
        for pain in item.get("pain_points") or []:
            pain_id = self.node("PainPoint", pain)
            if pain_id is not None:
                self.batch.rels.append(
                    RelRecord("OCCURS_AT", "PainPoint", pain_id, *source, self.origin(pain))
                )
        return tp_id

    def read(self, doc: _Mapping) -> Batch:
        for section, label in _SECTIONS.items():
            for item in doc.get(section) or []:
                if label == "Journey":
                    self.journey(item)
                elif (node_id := self.node(label, item)) is not None and label == "Opportunity":
                    self.owner(item, label, node_id)
                    self.link(item, "addresses", "ADDRESSES", (label, node_id), "PainPoint")
        return self.batch


def _read(path: Path, schema: Schema) -> Batch:
    file = str(path)
    failed = Batch()
    raw = path.read_bytes()
    if b"\0" in raw:
        failed.problems.append(
            LoadProblem(
                Origin(file, 1),
                "this is a binary file (it holds NUL bytes), not a YAML or JSON text file",
            )
        )
        return failed
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        failed.problems.append(
            LoadProblem(
                Origin(file, raw.count(b"\n", 0, exc.start) + 1),
                f"not UTF-8 text: byte {exc.start} cannot be decoded; save the file as UTF-8",
            )
        )
        return failed
    if not text.strip():
        failed.problems.append(LoadProblem(Origin(file, 1), _empty()))
        return failed
    parse = _parse_json if path.suffix.lower() == ".json" else _parse_yaml
    try:
        doc, root_line = parse(text)
    except _ParseError as exc:
        failed.problems.append(LoadProblem(Origin(file, exc.line), exc.message))
        return failed
    _annotate(doc)
    failed.problems += _repeated_keys(file, doc)
    failed.problems += _schema_problems(file, doc, root_line)
    if failed.problems:
        return failed
    return _Reader(file, schema).read(doc)


def read_journey_map(path: Path, schema: Schema) -> Iterator[Item]:
    """Nodes, relationships and problems of one journey-map file (YAML, or JSON for `.json`).

    The document is parsed whole: journey maps are small next to tables. A file that breaks
    the schema yields its problems only."""
    batch = _read(path, schema)
    yield from batch.problems
    yield from batch.nodes
    yield from batch.rels
