"""The GraphQL schema is kept as a snapshot: a change to it shows up in review."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from api.schema import sdl
from loaders.cli import app

SNAPSHOT = Path(__file__).resolve().parents[2] / "api" / "schema.graphql"


def test_the_snapshot_is_the_schema() -> None:
    assert SNAPSHOT.read_text(encoding="utf-8") == sdl(), (
        "the GraphQL schema changed: review the change, then run "
        "`cxgraph schema graphql --output api/schema.graphql`"
    )


def test_the_command_prints_and_writes_the_sdl(tmp_path: Path) -> None:
    printed = CliRunner().invoke(app, ["schema", "graphql"])
    assert printed.exit_code == 0, printed.output
    assert printed.stdout == sdl()
    target = tmp_path / "schema.graphql"
    written = CliRunner().invoke(app, ["schema", "graphql", "--output", str(target)])
    assert written.exit_code == 0, written.output
    assert target.read_text(encoding="utf-8") == sdl()
    assert "type Mutation" in sdl()
    assert "setOwner(item: ID!, team: ID!): Node!" in sdl()
