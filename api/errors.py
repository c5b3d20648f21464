"""Errors a GraphQL client is meant to see: bad arguments, unknown items, refused changes."""

from __future__ import annotations

from queries.errors import CxGraphError


class UserError(CxGraphError):
    """A request the API cannot answer as asked; the message says what to change.

    Shown to clients as is, also when other errors are masked.
    """
