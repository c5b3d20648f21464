"""`cxgraph query` (list, show and run the named queries) and `cxgraph cypher` (analysts'
Cypher: an interactive console, `-e`, `-f` or standard input).

Everything runs read-only — the guard, then a read-only run on the engine — with a timeout,
and at most `--limit` rows (a note on standard error says when a result was cut). `cypher
--write` skips the guard and runs statements as writes; it is refused when the environment
sets CXGRAPH_READ_ONLY=1 (or true, yes, on), for shared or production machines.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from rich.text import Text

from queries.connect import store_session
from queries.console import (
    DEFAULT_ROW_LIMIT,
    FORMATS,
    Format,
    QueryOutput,
    cell,
    describe,
    is_number,
    named_queries,
    parse_param,
    render,
    run_cypher,
    run_named,
)
from queries.errors import CxGraphError, QueryRefused, UnknownQuery
from queries.guard import Statement, is_complete, split_statements
from queries.registry import get_query
from queries.settings import StoreSettings, get_store_settings
from queries.store import GraphStore

if TYPE_CHECKING:
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

READ_ONLY_ENV = "CXGRAPH_READ_ONLY"
"""Set to 1 (true, yes, on) to refuse `cxgraph cypher --write`."""
HISTORY_FILE = "cypher_history"
"""The console's history, in the data directory (CXGRAPH_DATA_DIR)."""

query_app = typer.Typer(
    help="The named queries of queries/cypher: list, show and run them (read-only).",
    no_args_is_help=True,
)

out = Console()
err = Console(stderr=True, soft_wrap=True)
T = TypeVar("T")

ParamOption = Annotated[
    list[str] | None,
    typer.Option(
        "--param",
        "-p",
        metavar="NAME=VALUE",
        help="A query parameter, repeatable. VALUE is read as JSON when it is JSON "
        "(20, true, '[\"pp-1\"]'), else as a string.",
    ),
]
FormatOption = Annotated[
    str, typer.Option("--format", help=f"Output format: {', '.join(FORMATS)}.")
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the result to this file instead of stdout."),
]
LimitOption = Annotated[
    int,
    typer.Option(
        "--limit", min=1, help="Rows at most; a note on stderr says when there were more."
    ),
]
TimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        min=0.001,
        help="Seconds a query may run (default CXGRAPH_QUERY_TIMEOUT_S, 30).",
    ),
]


@dataclass
class ConsoleState:
    """What the statements of a session run with; the console's commands change it."""

    fmt: Format = "table"
    limit: int = DEFAULT_ROW_LIMIT
    timeout_s: float | None = None
    write: bool = False
    params: dict[str, Any] = field(default_factory=dict)


# --- cxgraph query ------------------------------------------------------------------------


@query_app.command("list")
def list_command(
    generated: Annotated[
        bool, typer.Option("--all", help="Also list the queries generated from the ontology.")
    ] = False,
) -> None:
    """List the named queries: name, whether it only reads, and its purpose."""
    found = named_queries(generated=generated)
    width = max(len(q.name) for q in found)
    for query in found:
        mode = "read" if query.reads_only else "write"
        typer.echo(f"{query.name:<{width}}  {mode:<5}  {query.purpose}".rstrip())


@query_app.command("show")
def show_command(name: Annotated[str, typer.Argument(help="Name, e.g. graph/is_empty.")]) -> None:
    """Print a named query: its header (purpose, parameters, columns), then its text."""
    _known(name)
    typer.echo(describe(name), nl=False)


@query_app.command("run")
def run_command(
    name: Annotated[str, typer.Argument(help="Name, e.g. painpoint/affecting_teams.")],
    param: ParamOption = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    limit: LimitOption = DEFAULT_ROW_LIMIT,
    timeout: TimeoutOption = None,
) -> None:
    """Run a named read query (`cxgraph query show NAME` lists its parameters)."""
    _known(name)
    params, chosen = _params(param), _format(fmt)

    async def work(store: GraphStore) -> None:
        result = await run_named(store, name, params, limit=limit, timeout_s=timeout)
        with _sink(output) as sink:
            _show(result, chosen, sink)

    _with_store(work)


# --- cxgraph cypher -----------------------------------------------------------------------


def cypher_command(
    execute: Annotated[
        str | None,
        typer.Option("--execute", "-e", help="Run this statement (or several, ended by ;)."),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", help="Run the statements of this file (ended by ;)."),
    ] = None,
    write: Annotated[
        bool,
        typer.Option(
            "--write",
            help="Skip the read-only guard and run the statements as writes; refused when "
            f"{READ_ONLY_ENV}=1.",
        ),
    ] = False,
    param: ParamOption = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    limit: LimitOption = DEFAULT_ROW_LIMIT,
    timeout: TimeoutOption = None,
) -> None:
    """Run Cypher: -e STATEMENT, -f FILE, statements on stdin, or else an interactive
    console (statements end with ;, :help for its commands). Read-only unless --write."""
    if execute is not None and file is not None:
        raise typer.BadParameter("give -e or -f, not both", param_hint="--execute/--file")
    if write and _read_only_environment():
        _fail(f"--write is disabled here ({READ_ONLY_ENV}={os.environ[READ_ONLY_ENV]})")
    state = ConsoleState(_format(fmt), limit, timeout, write, _params(param))
    if file is not None:
        try:
            script: str | None = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise typer.BadParameter(f"cannot read {file}: {exc}", param_hint="--file") from None
    elif execute is not None:
        script = execute
    elif not sys.stdin.isatty():
        script = sys.stdin.read()
    else:
        script = None
    if script is None:
        history = _settings().data_dir / HISTORY_FILE
        _with_store(lambda store: interactive(store, state, history=history))
        return
    statements = _statements(script)

    async def work(store: GraphStore) -> None:
        with _sink(output) as sink:
            for number, statement in enumerate(statements):
                located = len(statements) > 1
                await _run_statement(store, statement, state, sink, located, after=number > 0)

    _with_store(work)


async def interactive(
    store: GraphStore,
    state: ConsoleState,
    *,
    history: Path,
    terminal_input: Input | None = None,
    terminal_output: Output | None = None,
) -> None:
    """The interactive console: read statements (Enter runs a statement once it ends with
    `;`, else starts a new line) and `:commands` until :quit or end of input; errors are
    shown and the session goes on."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory
    from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

    bindings = KeyBindings()

    @bindings.add("enter")
    def _enter(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        text = buffer.text.strip()
        if not text or text.startswith(":") or is_complete(text):
            buffer.validate_and_handle()
        else:
            buffer.newline()

    history.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    session: PromptSession[str] = PromptSession(
        multiline=True,
        key_bindings=bindings,
        history=FileHistory(str(history)),
        prompt_continuation="    ... ",
        input=terminal_input,
        output=terminal_output,
    )
    mode = "WRITES ALLOWED" if state.write else "read-only"
    err.print(f"cxgraph cypher on {store.engine} ({mode}); end statements with ;  :help, :quit")
    while True:
        try:
            text = (await session.prompt_async("cypher> ")).strip()
        except KeyboardInterrupt:
            continue
        except EOFError:
            return
        if text.startswith(":"):
            if not _console_command(text, state):
                return
            continue
        try:
            statements = split_statements(text)
            for number, statement in enumerate(statements):
                located = len(statements) > 1
                await _run_statement(store, statement, state, None, located, after=number > 0)
        except (CxGraphError, ValueError) as exc:
            _error(exc)


_HELP = """\
:param NAME=VALUE    set a parameter ($NAME); VALUE is JSON when it is JSON, else a string
:params              show the parameters; `:params clear` forgets them
:format FORMAT       table, json or csv
:limit N             rows at most (now {limit})
:quit                leave (or Ctrl-D)"""


def _console_command(text: str, state: ConsoleState) -> bool:
    """Carry out a `:command`; False when the session should end."""
    command, _, argument = text[1:].partition(" ")
    argument = argument.strip().rstrip(";").strip()
    try:
        if command in {"quit", "exit", "q"}:
            return False
        if command == "help":
            out.print(_HELP.format(limit=state.limit), markup=False, highlight=False)
        elif command == "param":
            key, value = parse_param(argument)
            state.params[key] = value
        elif command == "params":
            if argument == "clear":
                state.params.clear()
            else:
                out.print_json(data=state.params)
        elif command == "format":
            state.fmt = _format(argument)
        elif command == "limit":
            if not argument.isdigit() or int(argument) < 1:
                raise ValueError(f"expected a number of rows, got {argument!r}")
            state.limit = int(argument)
        else:
            raise ValueError(f"unknown command :{command}; :help lists them")
    except (ValueError, typer.BadParameter) as exc:
        _error(exc)
    return True


async def _run_statement(
    store: GraphStore,
    statement: Statement,
    state: ConsoleState,
    sink: IO[str] | None,
    located: bool,
    *,
    after: bool,
) -> None:
    """Run one statement of a script or console and show its result; `located`: name the
    statement's line in errors, `after`: it follows another result of the same script."""
    try:
        result = await run_cypher(
            store,
            statement.text,
            state.params,
            write=state.write,
            limit=state.limit,
            timeout_s=state.timeout_s,
        )
    except QueryRefused as exc:
        raise statement.locate(exc) from None
    except CxGraphError as exc:
        if not located:
            raise
        raise type(exc)(f"statement at line {statement.line}: {exc}") from None
    _show(result, state.fmt, sink, after=after)


# --- helpers ------------------------------------------------------------------------------


def _show(result: QueryOutput, fmt: Format, sink: IO[str] | None, *, after: bool = False) -> None:
    """Write `result` in `fmt` to `sink` (stdout when None), then notes on stderr; `after`
    another result, a blank line first."""
    if sink is None and fmt == "table" and out.is_terminal:
        out.print(_rich_table(result))
    else:
        target = sink or sys.stdout
        target.write(("\n" if after else "") + render(result, fmt))
        target.flush()
    if result.truncated:
        err.print(
            f"only the first {result.limit} rows are shown: the query has more "
            "(raise --limit, :limit in the console, or narrow the query)",
            highlight=False,
        )
    elif err.is_terminal:
        err.print(f"{len(result.rows)} row(s), {result.engine_ms:.1f} ms", highlight=False)
    if changed := {k: v for k, v in result.counters.items() if v}:
        err.print(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in changed.items()))


def _rich_table(result: QueryOutput) -> Table:
    table = Table(header_style="bold")
    for column in result.columns:
        values = [row.get(column) for row in result.rows if row.get(column) is not None]
        numbers = bool(values) and all(is_number(value) for value in values)
        table.add_column(column, justify="right" if numbers else "left")
    for row in result.rows:
        table.add_row(*(Text(cell(row.get(c))) for c in result.columns))
    return table


@contextmanager
def _sink(output: Path | None) -> Iterator[IO[str] | None]:
    """The file to write results to (None: stdout)."""
    if output is None:
        yield None
        return
    try:
        with output.open("w", encoding="utf-8", newline="") as file:
            yield file
    except OSError as exc:
        raise CxGraphError(f"cannot write {output}: {exc.strerror or exc}") from None


def _statements(script: str) -> list[Statement]:
    try:
        statements = split_statements(script)
    except QueryRefused as exc:
        _fail(str(exc))
    if not statements:
        _fail("no statement to run")
    return statements


def _known(name: str) -> None:
    try:
        get_query(name)
    except UnknownQuery as exc:
        _fail(f"{exc}; `cxgraph query list` lists them")


def _params(options: list[str] | None) -> dict[str, Any]:
    params = {}
    for option in options or []:
        try:
            key, value = parse_param(option)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--param") from None
        params[key] = value
    return params


def _format(fmt: str) -> Format:
    if fmt not in FORMATS:
        raise typer.BadParameter(
            f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}", param_hint="--format"
        )
    return fmt


def _read_only_environment() -> bool:
    return os.environ.get(READ_ONLY_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def _settings() -> StoreSettings:
    try:
        return get_store_settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        _fail(f"invalid settings: {problems}")


def _with_store(work: Callable[[GraphStore], Awaitable[T]]) -> T:
    """Run `work` against the configured store; errors become one line and exit 1."""
    settings = _settings()

    async def main() -> T:
        async with store_session(settings) as store:
            return await work(store)

    try:
        return asyncio.run(main())
    except CxGraphError as exc:
        _fail(str(exc))


def _error(exc: BaseException | str) -> None:
    message = exc.message if isinstance(exc, typer.BadParameter) else str(exc)
    err.print(Text.assemble(("error: ", "bold red"), message))


def _fail(message: str) -> NoReturn:
    _error(message)
    raise typer.Exit(1)
