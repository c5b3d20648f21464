"""Lint Cypher as Neo4j 5 Cypher without a Neo4j server.

The work is done by ``lint/lint.mjs`` with Neo4j's own parser and semantic analysis
(the npm package ``@neo4j-cypher/language-support``) plus a schema pass that checks every
label, relationship type and property key against the given schema. Install it with
``npm ci --prefix queries/lint``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from queries.errors import CxGraphError

LINT_DIR = Path(__file__).parent / "lint"
INSTALL_HINT = "run `npm ci --prefix queries/lint`"
_PACKAGE = ("node_modules", "@neo4j-cypher", "language-support")
# The semantic analysis takes ~0.1 s a query on top of ~1.5 s to start.
_TIMEOUT_S = 600


class LintUnavailable(CxGraphError):
    """Node or the linter's npm packages are missing."""


class LintError(CxGraphError):
    """The linter itself crashed or answered nonsense (not a problem in a query)."""


@dataclass(frozen=True)
class LintSchema:
    labels: frozenset[str]
    relationship_types: frozenset[str]
    property_keys: frozenset[str]


@dataclass(frozen=True)
class LintProblem:
    query: str
    severity: str  # "error" or "warning"
    message: str
    line: int  # 1-based, in the query's text
    column: int  # 1-based
    check: str  # "neo4j": Neo4j's own analysis; "schema": not in the LintSchema

    def __str__(self) -> str:
        return (
            f"{self.query}:{self.line}:{self.column}: {self.severity} [{self.check}] {self.message}"
        )


def lint_queries(queries: Mapping[str, str], schema: LintSchema) -> list[LintProblem]:
    """Lint all ``queries`` (name -> Cypher text) in one run of node; problems in query order."""
    node = shutil.which("node")
    if node is None:
        raise LintUnavailable(f"node is not on PATH; install Node.js, then {INSTALL_HINT}")
    if not LINT_DIR.joinpath(*_PACKAGE).is_dir():
        raise LintUnavailable(f"the Cypher linter's npm packages are missing: {INSTALL_HINT}")

    request = {
        "schema": {
            "labels": sorted(schema.labels),
            "relationshipTypes": sorted(schema.relationship_types),
            "propertyKeys": sorted(schema.property_keys),
        },
        "queries": [{"name": name, "text": text} for name, text in queries.items()],
    }
    run = subprocess.run(
        [node, str(LINT_DIR / "lint.mjs")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=LINT_DIR,
        timeout=_TIMEOUT_S,
        check=False,
    )
    if run.returncode != 0:
        raise LintError(f"the Cypher linter failed (exit {run.returncode}): {run.stderr.strip()}")
    try:
        results: list[dict[str, Any]] = json.loads(run.stdout)["results"]
        return [
            LintProblem(
                query=result["name"],
                severity=problem["severity"],
                message=problem["message"],
                line=problem["line"],
                column=problem["column"],
                check=problem["check"],
            )
            for result in results
            for problem in result["problems"]
        ]
    except (ValueError, KeyError, TypeError) as exc:
        raise LintError(f"the Cypher linter answered something unexpected: {exc!r}") from exc
