"""The named Cypher queries of cxgraph, loaded once from `queries/cypher/**.cypher`.

A query's name is its path below `cypher/` without the suffix (`painpoint/affecting_teams`).
Each file starts with a header of `//` comment lines (purpose, parameters, columns); the
header is documentation and is not sent to the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ontology.model import load_schema
from queries.errors import UnknownQuery
from queries.generated import generated_queries

CYPHER_DIR = Path(__file__).resolve().parent / "cypher"


@dataclass(frozen=True)
class NamedQuery:
    """One Cypher query: its name, the text sent to the engine and its header."""

    name: str
    text: str
    doc: str
    path: Path | None
    """The `.cypher` file, or None for a query generated from the ontology."""
    first_line: int
    """Line of the file where `text` starts, for error messages (1-based)."""


def parse_query_file(path: Path, name: str) -> NamedQuery:
    """Split a `.cypher` file into its `//` header and the query text."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header: list[str] = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("//"):
            header.append(stripped[2:].removeprefix(" "))
        elif stripped:
            break
        else:
            header.append("")
    body_start = len(header)
    text = "\n".join(lines[body_start:]).strip()
    return NamedQuery(name, text, "\n".join(header).strip(), path, body_start + 1)


@lru_cache(maxsize=1)
def all_queries() -> Mapping[str, NamedQuery]:
    """Every named query of the project by name: the `.cypher` files, then generated ones."""
    found = {}
    for path in sorted(CYPHER_DIR.rglob("*.cypher")):
        name = path.relative_to(CYPHER_DIR).with_suffix("").as_posix()
        found[name] = parse_query_file(path, name)
    for name, text in generated_queries(load_schema()).items():
        found[name] = NamedQuery(name, text, "Generated from the ontology.", None, 1)
    return found


def get_query(name: str) -> NamedQuery:
    """The named query `name`; raises UnknownQuery when there is none."""
    try:
        return all_queries()[name]
    except KeyError:
        raise UnknownQuery(f"no query named {name!r}") from None
