"""The `cxgraph` command: serve the API, load sources, manage the schema."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from loaders.categories import directory_category_map, read_category_map
from loaders.export import export_json
from loaders.orgchart import MappingError, mapping_from_options, reader_for
from loaders.pipeline import (
    READERS,
    LoadReport,
    Source,
    demo_sources,
    directory_sources,
    load,
    load_demo_if_empty,
)
from loaders.query_cli import cypher_command, query_app
from loaders.rdf import EXPORT_FORMATS, export_rdf
from loaders.records import LoadFailed
from queries.connect import store_session
from queries.errors import CxGraphError
from queries.settings import StoreSettings, get_store_settings
from queries.store import GraphStore

app = typer.Typer(
    name="cxgraph",
    help="cxgraph: customer journeys and the organisation behind them, in one graph.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
schema_app = typer.Typer(
    help="Constraints and indexes generated from the ontology.", no_args_is_help=True
)
app.add_typer(schema_app, name="schema")
app.add_typer(query_app, name="query")
app.command("cypher")(cypher_command)

out = Console()
err = Console(stderr=True, soft_wrap=True)
T = TypeVar("T")


def _with_store(work: Callable[[GraphStore], Awaitable[T]]) -> T:
    """Run `work` against the configured store; domain errors become one clear line."""

    settings = _settings()

    async def main() -> T:
        async with store_session(settings) as store:
            return await work(store)

    try:
        return asyncio.run(main())
    except LoadFailed as failed:
        shown = (
            "" if failed.count == len(failed.problems) else f", the first {len(failed.problems)}"
        )
        err.print(f"[bold red]Nothing was loaded:[/] {failed.count} problem(s){shown}")
        for problem in failed.problems:
            err.print(f"  {problem}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    except CxGraphError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None


def _settings() -> StoreSettings:
    """The store settings, or one clear line and exit when the environment is wrong."""
    try:
        return get_store_settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        err.print(f"[bold red]error:[/] invalid settings: {problems}", highlight=False)
        raise typer.Exit(1) from None


def _print_report(report: LoadReport, as_json: bool) -> None:
    if as_json:
        out.print_json(json.dumps(report.as_dict()))
        return
    if report.dry_run:
        title, caption = "Dry run: nothing was written", "what the load would do"
    elif report.changed:
        title, caption = "Loaded", f"load run {report.run_id}"
    else:
        title, caption = "Nothing changed", "the graph already holds these sources"
    table = Table(title=title, caption=caption)
    for column in ("", "created", "updated", "unchanged", "deleted"):
        table.add_column(column, justify="right" if column else "left")
    rows = [(f"(:{k})", c) for k, c in sorted(report.nodes.items())]
    rows += [(f"[:{k}]", c) for k, c in sorted(report.relationships.items())]
    for name, c in rows:
        table.add_row(name, str(c.created), str(c.updated), str(c.unchanged), str(c.deleted))
    out.print(table, highlight=False)
    if (categories := report.category_map) is not None:
        missing = ", ".join(f"{c} ({n})" for c, n in categories.no_pain_point.items())
        tail = f"no pain point has {missing}" if missing else "each is a pain point's category"
        out.print(
            f"Category map {categories.path}: {categories.mapped} feedback mapped, "
            f"{sum(categories.unmapped.values())} kept as they were; {tail}",
            highlight=False,
            markup=False,
        )


@app.command("load")
def load_command(
    kind: Annotated[
        str,
        typer.Argument(
            help=f"Kind of source: {', '.join(READERS)}; `all` for a directory laid out like "
            "the demo (teams.csv, ..., journeys/*.yaml); `demo` for the demo company."
        ),
    ],
    files: Annotated[list[Path] | None, typer.Argument(help="Files to load, as one load.")] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Validate and report what would change; write nothing."),
    ] = False,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune",
            help="Also delete what these sources created in earlier loads and no longer hold.",
        ),
    ] = False,
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", help="org: YAML file naming the export's columns."),
    ] = None,
    columns: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            help="org: FIELD=COLUMN, e.g. --column 'id=Employee ID'; overrides --mapping.",
        ),
    ] = None,
    category_map: Annotated[
        Path | None,
        typer.Option(
            "--category-map",
            help="feedback, all: YAML or CSV file mapping export categories to pain-point "
            "categories (for all: feedback-categories.yaml in the directory, if there).",
        ),
    ] = None,
    in_steps: Annotated[
        bool,
        typer.Option(
            "--in-steps",
            help="Write in steps that commit one by one, each after its undo step, instead of "
            "in one Neo4j transaction or a copy of the graph (CXGRAPH_LOAD_IN_STEPS).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary only.")] = False,
) -> None:
    """Validate FILES as one load and write what changed (nothing at all on any error)."""
    reader = None
    if category_map is not None:
        if kind not in ("feedback", "all"):
            raise typer.BadParameter(
                "only for the feedback and all kinds", param_hint="--category-map"
            )
        if not category_map.is_file():
            raise typer.BadParameter(f"{category_map} is not a file", param_hint="--category-map")
    if mapping is not None or columns:
        if kind != "org":
            raise typer.BadParameter("only for the org kind", param_hint="--mapping/--column")
        try:
            reader = reader_for(mapping_from_options(mapping, columns or []))
        except MappingError as exc:
            raise typer.BadParameter(str(exc), param_hint="--mapping/--column") from None
    directory: Path | None = None
    if kind == "demo":
        sources = demo_sources()
    elif kind == "all":
        if not files or len(files) != 1 or not files[0].is_dir():
            raise typer.BadParameter("give one directory", param_hint="FILES")
        sources = directory_sources(files[0])
        if not sources:
            raise typer.BadParameter(f"{files[0]} holds no known source files", param_hint="FILES")
        directory = files[0]
    elif kind in READERS:
        if not files:
            raise typer.BadParameter("give at least one file", param_hint="FILES")
        for path in files:
            if not path.is_file():
                raise typer.BadParameter(f"{path} is not a file", param_hint="FILES")
        sources = [Source(kind, path, reader) for path in files]
    else:
        raise typer.BadParameter(
            f"unknown kind {kind!r}; choose one of {', '.join([*READERS, 'all', 'demo'])}",
            param_hint="KIND",
        )

    async def work(store: GraphStore) -> LoadReport:
        # a bad category map refuses the load like a bad row, before the engine is touched
        path = category_map
        if path is None and directory is not None:
            path = directory_category_map(directory)
        categories = None if path is None else read_category_map(path)
        store.in_steps = store.in_steps or in_steps
        if not dry_run:
            await store.apply_schema()
        with _progress(quiet=as_json) as progress:
            return await load(
                store,
                sources,
                dry_run=dry_run,
                prune=prune,
                progress=progress,
                category_map=categories,
            )

    _print_report(_with_store(work), as_json)


@contextmanager
def _progress(*, quiet: bool) -> Iterator[Callable[[int], None] | None]:
    """A rows-read counter with rows/s on a terminal; nothing when quiet or piped."""
    if quiet or not err.is_terminal:
        yield None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,.0f} rows"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[rate]}"),
    )
    started = time.perf_counter()
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("loading", total=None, rate="")

        def update(rows: int) -> None:
            rate = rows / max(time.perf_counter() - started, 1e-9)
            bar.update(task, completed=rows, rate=f"{rate:,.0f} rows/s")

        yield update


@app.command("export")
def export_command(
    fmt: Annotated[
        str, typer.Argument(help=f"json (JSON Lines) or RDF: {', '.join(EXPORT_FORMATS)}.")
    ],
    path: Annotated[Path, typer.Argument(help="File to write, e.g. graph.jsonl or graph.ttl.")],
) -> None:
    """Write the whole graph to a file, sorted: the same graph gives the same bytes."""
    if fmt == "json":
        count = _with_store(lambda store: export_json(store, path))
        out.print(f"{count} nodes and relationships written to {path}")
    elif fmt in EXPORT_FORMATS:
        triples = _with_store(lambda store: export_rdf(store, path, fmt))
        out.print(f"{triples} triples written to {path}")
    else:
        choices = ", ".join(["json", *EXPORT_FORMATS])
        raise typer.BadParameter(f"unknown format {fmt!r}; choose {choices}", param_hint="FORMAT")


@app.command()
def recover() -> None:
    """Undo a load in steps whose process died (or finish one that had committed).

    The next load and the API's start do it too; this is for when neither comes soon.
    """
    done = _with_store(lambda store: store.recover())
    out.print(done or "Nothing to recover: no load in steps was left half-done.", highlight=False)


@app.command()
def runs(
    limit: Annotated[int, typer.Option(help="How many of the latest runs to list.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the load runs that changed the graph, newest first, with their counts."""
    rows = _with_store(lambda store: store.read("runs/list", {"limit": limit}))
    if as_json:
        out.print_json(json.dumps(rows))
        return
    table = Table(title="Load runs")
    for column in ("run", "started", "agent", "sources", "created", "updated", "deleted"):
        table.add_column(
            column, justify="right" if column in {"created", "updated", "deleted"} else "left"
        )
    for row in rows:
        table.add_row(
            row["id"], row["startedAt"], row.get("agent") or "", row.get("sources") or "",
            str(row.get("created", 0)), str(row.get("updated", 0)), str(row.get("deleted", 0)),
        )  # fmt: skip
    out.print(table, highlight=False)


@app.command()
def generate(
    out_dir: Annotated[Path, typer.Argument(help="Directory to write the source files into.")],
    scale: Annotated[
        float, typer.Option(help="Size: 1 is 200 teams, 5,000 people, 200,000 customers, ...")
    ] = 1.0,
    seed: Annotated[int, typer.Option(help="Same seed, same files.")] = 1,
) -> None:
    """Write a generated reference enterprise as source files (load it with `load all`)."""
    from loaders.generate import generate as write_enterprise

    generated = write_enterprise(out_dir, scale=scale, seed=seed)
    table = Table(title=f"Generated into {out_dir}")
    table.add_column("nodes / relationships")
    table.add_column("count", justify="right")
    for name, count in generated.counts.items():
        table.add_row(name, str(count))
    out.print(table)
    out.print(f"Load it with: cxgraph load all {out_dir}")


@schema_app.command("apply")
def schema_apply() -> None:
    """Create the constraints and indexes that are missing (idempotent)."""
    created = _with_store(lambda store: store.apply_schema())
    for statement in created:
        out.print(statement, highlight=False)
    out.print(f"{len(created)} created; the schema is up to date.")


@schema_app.command("graphql")
def schema_graphql(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """Print the GraphQL schema (SDL) of the API; `api/schema.graphql` is its snapshot."""
    from api.schema import sdl

    if output is None:
        sys.stdout.write(sdl())
    else:
        output.write_text(sdl(), encoding="utf-8")
        out.print(f"Wrote {output}")


class DocsFormat(StrEnum):
    markdown = "markdown"
    html = "html"


@schema_app.command("docs")
def schema_docs(
    fmt: Annotated[
        DocsFormat, typer.Option("--format", help="markdown (docs/schema.md) or one HTML page.")
    ] = DocsFormat.markdown,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """Print the schema reference for analysts, generated from the ontology."""
    from queries.schema_docs import render_html, render_markdown

    text = render_html() if fmt is DocsFormat.html else render_markdown()
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        out.print(f"Wrote {output}")


@schema_app.command("show")
def schema_show() -> None:
    """Print the constraints and indexes that `schema apply` would create."""
    for statement in _with_store(lambda store: store.schema_statements()):
        out.print(statement, highlight=False)


@app.command()
def serve(
    demo: Annotated[
        bool,
        typer.Option(
            envvar="CXGRAPH_DEMO",
            help="Load the demo company into an empty graph and allow anonymous access.",
        ),
    ] = False,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the GraphQL API (and GraphiQL) over HTTP."""
    import os

    import uvicorn

    settings = _settings()

    async def prepare() -> None:
        async with store_session(settings) as store:
            await store.apply_schema()
            if demo and (report := await load_demo_if_empty(store)) is not None:
                _print_report(report, as_json=False)

    try:
        asyncio.run(prepare())
    except CxGraphError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None
    if demo:
        os.environ["CXGRAPH_DEMO"] = "true"
    out.print(
        f"cxgraph on {settings.engine} — pages at http://{host}:{port}/ui/, "
        f"GraphQL at http://{host}:{port}/graphql"
        + (" (demo mode: anonymous access allowed)" if demo else "")
    )
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, log_level="info")


if __name__ == "__main__":
    app()
