"""The Neo4j 5 backend, through the official driver; reads are routed to readers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager

from neo4j import (
    AsyncDriver,
    AsyncGraphDatabase,
    AsyncResult,
    AsyncSession,
    AsyncTransaction,
    EagerResult,
    Query,
    Record,
    ResultSummary,
    RoutingControl,
)
from neo4j.exceptions import DriverError, Neo4jError, ServiceUnavailable

from ontology.model import Schema, load_schema
from queries import journal
from queries.ddl import NEO4J_LIST_CONSTRAINTS, neo4j_statements
from queries.errors import EngineUnavailable, QueryError
from queries.store import GraphStore, Params, QueryRunner, Result, Staged, plain


class Neo4jStore(GraphStore):
    """A graph in one Neo4j database (single server, cluster or Aura)."""

    engine = "neo4j"

    def __init__(
        self,
        driver: AsyncDriver,
        database: str,
        *,
        timeout_s: float,
        schema: Schema | None = None,
        in_steps: bool = False,
    ) -> None:
        super().__init__()
        self.in_steps = in_steps
        self._driver = driver
        self._database = database
        self._timeout_s = timeout_s
        self._schema = schema or load_schema()

    @classmethod
    async def open(
        cls,
        uri: str,
        user: str,
        password: str,
        database: str = "neo4j",
        *,
        timeout_s: float = 30.0,
        in_steps: bool = False,
    ) -> Neo4jStore:
        """Connect and check that the server answers; with `in_steps`, units of work are
        written in steps (queries/journal.py) instead of in one transaction."""
        driver = AsyncGraphDatabase.driver(uri, auth=(user, password))
        try:
            await driver.verify_connectivity()
        except (ServiceUnavailable, OSError) as exc:
            await driver.close()
            raise EngineUnavailable(f"Neo4j at {uri} did not answer: {exc}") from exc
        except Neo4jError as exc:
            await driver.close()
            raise EngineUnavailable(f"Neo4j at {uri} refused the connection: {exc}") from exc
        return cls(driver, database, timeout_s=timeout_s, in_steps=in_steps)

    async def _execute(
        self,
        text: str,
        params: Params,
        *,
        write: bool,
        timeout_s: float | None = None,
        max_rows: int | None = None,
    ) -> EagerResult:
        """One query in a managed transaction (a READ one unless `write`); driver errors
        become domain errors."""
        with _domain_errors():
            return await self._driver.execute_query(
                Query(text, timeout=self._timeout_s if timeout_s is None else timeout_s),
                dict(params),
                database_=self._database,
                routing_=RoutingControl.WRITE if write else RoutingControl.READ,
                result_transformer_=_first_records(max_rows),
            )

    async def _run(
        self,
        text: str,
        params: Params,
        *,
        write: bool,
        timeout_s: float | None = None,
        max_rows: int | None = None,
    ) -> Result:
        records, summary, keys = await self._execute(
            text, params, write=write, timeout_s=timeout_s, max_rows=max_rows
        )
        return _result(records, summary, keys)

    async def _run_once(self, text: str, params: Params) -> Result:
        # an auto-commit transaction, which the driver does not retry (a managed one it may
        # run again after a commit whose answer was lost)
        with _domain_errors():
            async with self._session() as session:
                cursor = await session.run(Query(text, timeout=self._timeout_s), dict(params))
                return _result(*await _first_records(None)(cursor))

    def _session(self) -> AsyncSession:
        """A session whose transactions the next `execute_query` read sees (in a cluster)."""
        return self._driver.session(
            database=self._database,
            bookmark_manager=self._driver.execute_query_bookmark_manager,
        )

    @asynccontextmanager
    async def atomic(self) -> AsyncIterator[Staged]:
        # One explicit transaction: Neo4j keeps it invisible to readers until it commits and
        # rolls it back on any error. Its size is bounded by the server's transaction memory
        # (db.memory.transaction.max, dbms.memory.transaction.total.max): a load larger than
        # that goes in steps (`in_steps`, queries/journal.py).
        if self.in_steps:
            async with journal.in_steps(self) as staged:
                yield staged
            return
        await journal.recover(self)  # a unit of work in steps that a dead process left
        async with self._session() as session:
            tx = await session.begin_transaction(timeout=None)
            staged = Staged(_TransactionRunner(tx))
            staged.store.stats = self.stats
            staged.store.listeners = self.listeners
            try:
                yield staged
            except BaseException:
                await tx.rollback()
                raise
            with _domain_errors():
                if staged.discarded:
                    await tx.rollback()
                else:
                    await tx.commit()

    def exclusive(self) -> AbstractAsyncContextManager[None]:
        # Transactions isolate each other, but not from a unit of work in steps, whose steps
        # commit one by one: a change takes the same lock (finishing a dead one's first).
        return journal.locked(self)

    async def schema_statements(self) -> list[str]:
        records, _, _ = await self._execute(NEO4J_LIST_CONSTRAINTS, {}, write=False)
        existing = {r["name"] for r in records}
        return [ddl for ddl in neo4j_statements(self._schema) if ddl.split()[2] not in existing]

    async def apply_schema(self) -> list[str]:
        statements = await self.schema_statements()
        for ddl in statements:
            await self._execute(ddl, {}, write=True)
        return statements

    async def ping(self) -> bool:
        try:
            await self._driver.verify_connectivity()
        except (Neo4jError, ServiceUnavailable, OSError):
            return False
        return True

    async def close(self) -> None:
        await self._driver.close()


class _TransactionRunner(QueryRunner):
    """Runs every query inside one open transaction (the unit of work of `atomic()`)."""

    def __init__(self, tx: AsyncTransaction) -> None:
        super().__init__()
        self._tx = tx

    async def _run(
        self,
        text: str,
        params: Params,
        *,
        write: bool,
        timeout_s: float | None = None,
        max_rows: int | None = None,
    ) -> Result:
        # (the transaction's own timeout applies: a query inside it cannot have another)
        with _domain_errors():
            cursor = await self._tx.run(text, dict(params))
            return _result(*await _first_records(max_rows)(cursor))


_TOO_BIG = frozenset(
    {
        "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
        "Neo.ClientError.General.TransactionOutOfMemoryError",
    }
)
"""Codes of a transaction larger than the server's transaction memory (GQL 51N72, 51N73)."""


@contextmanager
def _domain_errors() -> Iterator[None]:
    """Driver errors as cxgraph's: a refused query, or a server that did not answer."""
    try:
        yield
    except Neo4jError as exc:
        message = exc.message or str(exc)
        if exc.code in _TOO_BIG:
            message += (
                " — the load does not fit in one transaction on this server: load it in steps "
                "(`cxgraph load --in-steps`, or CXGRAPH_LOAD_IN_STEPS=true), or give "
                "transactions more memory (db.memory.transaction.max, "
                "dbms.memory.transaction.total.max)"
            )
        raise QueryError(message) from exc
    except DriverError as exc:  # ServiceUnavailable, SessionExpired, ...
        raise EngineUnavailable(f"Neo4j did not answer: {exc}") from exc


async def _fetch(cursor: AsyncResult, max_rows: int | None) -> list[Record]:
    """The first `max_rows` records of `cursor` (all when None)."""
    if max_rows is None:
        return [record async for record in cursor]
    return await cursor.fetch(max_rows)


def _first_records(max_rows: int | None) -> Callable[[AsyncResult], Awaitable[EagerResult]]:
    """A result transformer keeping the first `max_rows` records (all when None); the
    server discards the rest without sending them."""

    async def transform(cursor: AsyncResult) -> EagerResult:
        records = await _fetch(cursor, max_rows)
        summary = await cursor.consume()
        return EagerResult(records, summary, list(cursor.keys()))

    return transform


def _result(records: Sequence[Record], summary: ResultSummary, keys: Sequence[str]) -> Result:
    rows = [{key: plain(record[key]) for key in keys} for record in records]
    engine_ms = float((summary.result_available_after or 0) + (summary.result_consumed_after or 0))
    c = summary.counters
    counters = {
        "nodes_created": c.nodes_created,
        "nodes_deleted": c.nodes_deleted,
        "relationships_created": c.relationships_created,
        "relationships_deleted": c.relationships_deleted,
        "properties_set": c.properties_set,
    }
    return Result(rows, engine_ms, counters, list(keys))
