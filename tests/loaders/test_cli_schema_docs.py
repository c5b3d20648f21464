"""`cxgraph schema docs` writes the schema reference; it needs no graph engine."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from loaders.cli import app
from queries.schema_docs import render_html, render_markdown

runner = CliRunner(env={"COLUMNS": "200"})


def test_writes_markdown_by_default_and_html_on_request(tmp_path: Path) -> None:
    md, page = tmp_path / "schema.md", tmp_path / "schema.html"
    written = runner.invoke(app, ["schema", "docs", "--output", str(md)])
    assert written.exit_code == 0, written.output
    assert f"Wrote {md}" in written.stdout
    assert md.read_text(encoding="utf-8") == render_markdown()

    written = runner.invoke(app, ["schema", "docs", "--format", "html", "-o", str(page)])
    assert written.exit_code == 0, written.output
    assert page.read_text(encoding="utf-8") == render_html()


def test_prints_to_stdout_without_output() -> None:
    printed = runner.invoke(app, ["schema", "docs", "--format", "markdown"])
    assert printed.exit_code == 0, printed.output
    assert printed.stdout == render_markdown()


def test_unknown_format_is_refused() -> None:
    refused = runner.invoke(app, ["schema", "docs", "--format", "pdf"])
    assert refused.exit_code == 2
    assert "pdf" in refused.output
