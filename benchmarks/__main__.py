"""`python -m benchmarks`: measure load, queries, concurrency and memory, print and save."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from benchmarks.run import Config, print_report, run, write_json

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command()
def main(
    scale: Annotated[
        float,
        typer.Option(
            help="Size of the enterprise; 1 is ~440k nodes and 1M relationships once loaded."
        ),
    ] = 1.0,
    seed: Annotated[int, typer.Option(help="Seed of the generator.")] = 1,
    samples: Annotated[int, typer.Option(help="Requests per question for latencies.")] = 200,
    clients: Annotated[str, typer.Option(help="Concurrent clients to try, comma-separated.")] = (
        "1,8,32"
    ),
    seconds: Annotated[float, typer.Option(help="Duration of each concurrency step.")] = 10.0,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="Measure the queries on the graph `bench` already loaded in this engine data "
            "directory, without generating and loading (for quick runs while working on queries)."
        ),
    ] = None,
    page_samples: Annotated[
        int, typer.Option(help="Visits of each kind of page in headless Chromium; 0: none.")
    ] = 6,
    neo4j: Annotated[
        bool | None,
        typer.Option(
            help="Also load and measure the Neo4j server of NEO4J_URI, side by side (its "
            "database must be empty); default: when NEO4J_URI is set."
        ),
    ] = None,
    neo4j_database: Annotated[
        str | None,
        typer.Option(help="The empty Neo4j database to load; default: NEO4J_DATABASE."),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the report to this JSON file.")
    ] = None,
) -> None:
    """Generate the reference enterprise, load it, and measure the cross-silo questions."""
    config = Config(
        scale=scale,
        seed=seed,
        samples=samples,
        clients=tuple(int(c) for c in clients.split(",")),
        concurrency_seconds=seconds,
        data_dir=data_dir,
        page_samples=page_samples,
        neo4j=bool(os.environ.get("NEO4J_URI")) if neo4j is None else neo4j,
        neo4j_database=neo4j_database,
    )
    report = run(config)
    if json_out is not None:
        write_json(report, json_out)
    console = Console()
    print_report(report, console if console.is_terminal else Console(width=140))


if __name__ == "__main__":
    app()
