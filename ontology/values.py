"""Turn source values into graph values, checked against the ontology's property shapes."""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import Any

from ontology.model import PropertySpec

_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


class BadValue(ValueError):
    """A value does not fit its property; the message says what was expected."""


def timestamp(moment: dt.datetime | None = None) -> str:
    """`moment` (default: now) as the graph records when something happened: UTC, to the
    millisecond, `2026-09-14T10:00:00.123Z` (load runs and changes listed newest first keep
    their order within a second)."""
    moment = moment or dt.datetime.now(dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def any_text(spec: PropertySpec) -> bool:
    """Whether any text, stripped, is a value of property `spec` (readers skip `coerce`)."""
    return spec.datatype == "string" and spec.allowed is None and spec.pattern is None


def coerce(raw: Any, spec: PropertySpec) -> Any:
    """The graph value of `raw` for property `spec`, or BadValue saying what was expected.

    Dates are kept as ISO strings so that they compare the same on every engine.
    """
    if type(raw) is str and spec.datatype == "string" and spec.allowed is None:
        value: Any = raw.strip()  # the common case, kept fast: most cells are plain text
        if spec.pattern is not None and not _pattern(spec.pattern).search(value):
            raise BadValue(f"expected text matching {spec.pattern}")
        return value
    value = _typed(raw, spec)
    if spec.allowed is not None and value not in spec.allowed:
        raise BadValue(f"expected one of {', '.join(spec.allowed)}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if spec.minimum is not None and value < spec.minimum:
            raise BadValue(f"expected at least {_num(spec.minimum)}")
        if spec.maximum is not None and value > spec.maximum:
            raise BadValue(f"expected at most {_num(spec.maximum)}")
    if (
        isinstance(value, str)
        and spec.pattern is not None
        and not _pattern(spec.pattern).search(value)
    ):
        raise BadValue(f"expected text matching {spec.pattern}")
    return value


@functools.cache
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _num(number: float) -> str:
    return str(int(number)) if number.is_integer() else str(number)


def _typed(raw: Any, spec: PropertySpec) -> Any:
    text = raw.strip() if isinstance(raw, str) else raw
    match spec.datatype:
        case "string":
            if isinstance(text, bool | dict | list) or text is None:
                raise BadValue("expected text")
            return str(text)
        case "integer":
            if isinstance(text, bool):
                raise BadValue("expected a whole number")
            if isinstance(text, int):
                return text
            if isinstance(text, str) and re.fullmatch(r"[+-]?\d+", text):
                return int(text)
            raise BadValue("expected a whole number")
        case "decimal":
            if isinstance(text, bool):
                raise BadValue("expected a number")
            try:
                number = float(text)
            except (TypeError, ValueError):
                raise BadValue("expected a number") from None
            if not math.isfinite(number):
                raise BadValue("expected a finite number")
            return number
        case "boolean":
            if isinstance(text, bool):
                return text
            if isinstance(text, str) and text.lower() in _TRUE | _FALSE:
                return text.lower() in _TRUE
            raise BadValue("expected true or false")
        case "date":
            if isinstance(text, dt.datetime):
                return text.date().isoformat()
            if isinstance(text, dt.date):
                return text.isoformat()
            try:
                return dt.date.fromisoformat(str(text)).isoformat()
            except ValueError:
                raise BadValue("expected a date like 2026-09-14") from None
        case "dateTime":
            if isinstance(text, dt.datetime):
                return text.isoformat()
            try:
                return dt.datetime.fromisoformat(str(text)).isoformat()
            except ValueError:
                raise BadValue("expected a date-time like 2026-09-14T10:00:00+00:00") from None
