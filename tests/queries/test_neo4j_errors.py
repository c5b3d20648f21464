"""How Neo4j's errors reach users, without a server: the driver's own error objects, as it
builds them from a server's failure message, through the store's error mapping."""

from __future__ import annotations

import pytest
from neo4j.exceptions import Neo4jError

from queries.errors import QueryError
from queries.neo4j_store import _domain_errors


def server_error(code: str, message: str) -> Neo4jError:
    return Neo4jError._hydrate_neo4j(code=code, message=message)


@pytest.mark.parametrize(
    "code",
    [
        "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
        "Neo.ClientError.General.TransactionOutOfMemoryError",
    ],
)
def test_a_load_too_big_for_one_transaction_says_to_load_it_in_steps(code: str) -> None:
    message = "The allocation of an extra 4.0 MiB would use more than the limit 2.0 GiB."
    with pytest.raises(QueryError) as raised, _domain_errors():
        raise server_error(code, message)
    assert str(raised.value).startswith(message)
    assert "--in-steps" in str(raised.value)
    assert "CXGRAPH_LOAD_IN_STEPS=true" in str(raised.value)


def test_other_refusals_keep_the_server_s_message() -> None:
    message = "Invalid input 'MATCHH': expected ..."
    with pytest.raises(QueryError) as raised, _domain_errors():
        raise server_error("Neo.ClientError.Statement.SyntaxError", message)
    assert str(raised.value) == message
