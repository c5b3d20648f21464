"""Category maps: the categories of a feedback export, translated to pain-point categories.

Feedback evidences the pain points of its touchpoint that have the same category; exports
rarely use the categories of the journey maps. A category map (docs/formats.md, "Category
maps") says which pain-point category each export category stands for, many to one, as a
YAML mapping or a two-column CSV file. A load applies it to every feedback record as it is
read, before anything is validated, written or linked: the graph holds the mapped category.
Export categories the map does not name are kept as they are; the load's report counts them,
and the categories (mapped or not) that no pain point has. The map is read whole before the
load starts; any problem in it refuses the load.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from loaders.journeys import _yaml_error
from loaders.records import LoadFailed, LoadProblem, Origin
from loaders.tables import csv_rows
from ontology.model import PropertySpec, load_schema
from ontology.values import BadValue, coerce

DIRECTORY_NAMES = ("feedback-categories.yaml", "feedback-categories.yml", "feedback-categories.csv")
"""File names of the category map that `cxgraph load all DIR` picks up from DIR."""

CSV_COLUMNS = ("export_category", "pain_point_category")
"""The two columns of a CSV category map."""


@dataclass
class CategoryMap:
    """Export category → pain-point category, and what applying it did in one load."""

    path: Path
    categories: Mapping[str, str]
    mapped: int = 0
    """Feedback records whose category the map changed (or confirmed) in this load."""
    unmapped: Counter[str] = field(default_factory=Counter)
    """Categories of feedback records that the map does not name, with how many records."""
    result: Counter[str] = field(default_factory=Counter)
    """The categories feedback records have after the map, with how many records."""
    no_pain_point: dict[str, int] = field(default_factory=dict)
    """Of those, the ones no pain point of the graph has (after the load): evidence of
    nothing, so candidates for the map."""

    @property
    def name(self) -> str:
        """What the load run records among its sources: `category-map:<file name>`."""
        return f"category-map:{self.path.name}"

    def apply(self, category: str) -> str:
        """The pain-point category of an export category (itself when the map lacks it)."""
        found = self.categories.get(category)
        if found is None:
            self.unmapped[category] += 1
        else:
            self.mapped += 1
        self.result[found or category] += 1
        return found or category


def read_category_map(path: Path) -> CategoryMap:
    """The category map in `path` (.yaml, .yml or .csv); raises LoadFailed with every
    problem found, each with its file, line and the value at fault."""
    spec = load_schema().node_types["Feedback"].properties["category"]
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        pairs = _yaml_pairs(path)
    elif suffix == ".csv":
        pairs = _csv_pairs(path)
    else:
        pairs = iter(
            [
                LoadProblem(
                    Origin(str(path), "?"),
                    f"unsupported file type {path.suffix or '(no suffix)'!r}; a category map "
                    "is read from .yaml, .yml or .csv files",
                )
            ]
        )
    categories: dict[str, str] = {}
    first: dict[str, int | str] = {}
    problems: list[LoadProblem] = []
    for item in pairs:
        if isinstance(item, LoadProblem):
            problems.append(item)
            continue
        (key_origin, key), (value_origin, value) = item
        ok = True
        for origin, raw in ((key_origin, key), (value_origin, value)):
            if problem := _check(origin, raw, spec):
                problems.append(problem)
                ok = False
        if not ok:
            continue
        key, value = key.strip(), value.strip()
        if key in first:
            problems.append(
                LoadProblem(
                    key_origin,
                    f"this export category is mapped twice, first at line {first[key]}",
                    key,
                )
            )
            continue
        first[key] = key_origin.line
        categories[key] = value
    if problems:
        raise LoadFailed(problems)
    return CategoryMap(path, categories)


def directory_category_map(directory: Path) -> Path | None:
    """The category map of a directory laid out like loaders/demo (`feedback-categories.yaml`,
    `.yml` or `.csv`), or None; LoadFailed when there are several."""
    found = [directory / name for name in DIRECTORY_NAMES if (directory / name).is_file()]
    if len(found) > 1:
        raise LoadFailed(
            [
                LoadProblem(
                    Origin(str(found[1]), "?"),
                    f"a directory holds one category map, and {found[0].name} is there too",
                )
            ]
        )
    return found[0] if found else None


Pair = tuple[tuple[Origin, str], tuple[Origin, str]]
"""(where, export category) and (where, pain-point category) of one entry of a map."""


def _check(origin: Origin, raw: str, spec: PropertySpec) -> LoadProblem | None:
    if not raw.strip():
        return LoadProblem(origin, "a category is required")
    try:
        coerce(raw, spec)
    except BadValue as exc:
        return LoadProblem(origin, str(exc), raw)
    return None


def _yaml_pairs(path: Path) -> Iterator[Pair | LoadProblem]:
    """The entries of a YAML mapping `export category: pain-point category`, read as text
    (`yes`, `1` or `2026-01-01` stay text). Fields name the export category."""
    name = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        yield LoadProblem(
            Origin(name, line),
            f"not UTF-8 text: byte {exc.start} cannot be decoded; save the file as UTF-8",
        )
        return
    except OSError as exc:
        yield LoadProblem(Origin(name, "?"), f"cannot read the file: {exc.strerror or exc}")
        return
    expected = "expected a mapping of export categories to pain-point categories"
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        yield LoadProblem(Origin(name, _yaml_error(exc)[0]), _yaml_error(exc)[1])
        return
    except yaml.YAMLError as exc:
        yield LoadProblem(Origin(name, "?"), f"not valid YAML: {exc}")
        return
    if root is None:
        yield LoadProblem(Origin(name, 1), f"the file is empty; {expected}")
        return
    if not isinstance(root, yaml.MappingNode):
        yield LoadProblem(Origin(name, root.start_mark.line + 1), f"{expected}, got {_what(root)}")
        return
    for key, value in root.value:
        line = key.start_mark.line + 1
        if not isinstance(key, yaml.ScalarNode):
            yield LoadProblem(Origin(name, line), f"an export category is text, got {_what(key)}")
            continue
        where = Origin(name, line, key.value)
        if not isinstance(value, yaml.ScalarNode):
            yield LoadProblem(
                Origin(name, value.start_mark.line + 1, key.value),
                f"expected one pain-point category, got {_what(value)}",
            )
            continue
        at = Origin(name, value.start_mark.line + 1, key.value)
        yield (where, key.value), (at, "" if value.tag.endswith(":null") else value.value)


def _what(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return "a list" if isinstance(node, yaml.SequenceNode) else "text"


def _csv_pairs(path: Path) -> Iterator[Pair | LoadProblem]:
    """The rows of a CSV file with the columns `export_category,pain_point_category`."""
    name = str(path)
    header: list[str] | None = None
    for item in csv_rows(path):
        if isinstance(item, LoadProblem):
            yield item
            return
        if isinstance(item, list):
            header = item
            if sorted(header) != sorted(CSV_COLUMNS):
                yield LoadProblem(
                    Origin(name, 1),
                    f"expected the columns {', '.join(CSV_COLUMNS)}, got "
                    f"{', '.join(header) or 'none'}",
                )
                return
            continue
        line, row = item
        if any(key not in CSV_COLUMNS for key in row):  # more cells than columns
            yield LoadProblem(Origin(name, line), "more cells than columns in the header")
            continue
        key, value = (row.get(column) or "" for column in CSV_COLUMNS)
        yield (
            (Origin(name, line, CSV_COLUMNS[0]), key),
            (Origin(name, line, CSV_COLUMNS[1]), value),
        )
    if header is None:
        yield LoadProblem(Origin(name, 1), "the file is empty; expected a header row")
