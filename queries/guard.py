"""The parse-level guard for analysts' Cypher: one statement that only reads.

`check_read_only(text)` raises `QueryRefused`, naming what it refused and where (line and
column), for any clause that writes (CREATE, MERGE, SET, DELETE, REMOVE, FOREACH, INSERT),
reads files or URLs (LOAD CSV), commits on its own (CALL { } IN TRANSACTIONS), switches
database (USE) or administers (SHOW, DROP, ALTER, GRANT, START/STOP DATABASE, ...); for a
procedure outside `READ_PROCEDURES`, a namespaced function outside `FUNCTION_NAMESPACES`,
query options (CYPHER, EXPLAIN, PROFILE) and a second statement.

It works on tokens, from a tokenizer that finds strings (with their escapes), backtick-quoted
names, comments, parameters and numbers the way the engines do: `RETURN 'CREATE'` and
``RETURN n.`set` `` pass. Where the engines' lexers could disagree with it, it refuses rather
than guesses: outside strings, quoted names and comments it accepts ASCII only (a fullwidth
or Cyrillic look-alike of CREATE, an unusual space character, is refused with the character
named), invisible and line-separator characters nowhere but in strings, and neither a number
running into a name (`1SET`) nor a name running into a string (`s'...'`, Neo4j's
interpolated strings). A keyword is a name, not a clause, only where no clause can stand:
after `.` (`n.delete`), after `:` (`(x:Set)`, `{k: v}`) and before `:` (`{set: 1}`); anywhere
else a name spelled like a write keyword must be quoted (`` `set` ``).

This is one layer: the engine runs the statement read-only as well (GRAPH.RO_QUERY, a READ
transaction on Neo4j), with a timeout and a row cap (`queries.console`). FalkorDB's
read-only mode still runs LOAD CSV and any procedure it calls "read": those only this guard
refuses.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple

from queries.errors import QueryRefused

READ_PROCEDURES = frozenset({"db.labels", "db.relationshipTypes", "db.propertyKeys"})
"""Procedures an analyst may CALL on either engine: they exist and only read on both."""

ENGINE_READ_PROCEDURES: dict[str, frozenset[str]] = {
    "falkordb": frozenset(
        {
            "db.constraints",
            "db.indexes",
            "db.meta.stats",
            "db.idx.fulltext.queryNodes",
            "db.idx.fulltext.queryRelationships",
            "db.idx.vector.queryNodes",
            "db.idx.vector.queryRelationships",
        }
    ),
    "neo4j": frozenset(
        {
            "db.index.fulltext.queryNodes",
            "db.index.fulltext.queryRelationships",
            "db.index.vector.queryNodes",
            "db.schema.nodeTypeProperties",
            "db.schema.relTypeProperties",
        }
    ),
}
"""Further read-only procedures of one engine (by `GraphStore.engine`)."""

FUNCTION_NAMESPACES = frozenset(
    {
        "coll",
        "date",
        "datetime",
        "duration",
        "list",
        "localdatetime",
        "localtime",
        "point",
        "string",
        "time",
        "vec",
        "vector.similarity",
    }
)
"""Namespaces of the built-in functions (lower case). Functions without a namespace are all
built in; plugin functions (apoc.*, gds.*) and user-defined ones have one, and are refused."""

WRITES = frozenset(
    {"CREATE", "MERGE", "SET", "DELETE", "DETACH", "NODETACH", "REMOVE", "FOREACH", "INSERT"}
)
ADMINISTERS = frozenset(
    {
        "ALTER",
        "DEALLOCATE",
        "DENY",
        "DROP",
        "DRYRUN",
        "ENABLE",
        "GRANT",
        "REALLOCATE",
        "RENAME",
        "REVOKE",
        "SHOW",
        "TERMINATE",
    }
)
OPTIONS = frozenset({"CYPHER", "EXPLAIN", "PROFILE"})
_WATCHED = (
    WRITES
    | ADMINISTERS
    | OPTIONS
    | {
        "START",
        "STOP",
        "LOAD",
        "TRANSACTIONS",
        "CONCURRENT",
        "USE",
    }
)
"""Keywords that `_clause_refusal` looks at."""

_LINE_BREAKS = "\n\r"
# Characters that some lexer may take for a line break or a space: refused in comments, where
# the end of a `//` comment must be where every engine sees it.
_RISKY_IN_COMMENTS = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029")


class Kind(Enum):
    WORD = "word"  # a keyword or an unquoted name
    NAME = "name"  # a backtick-quoted name
    STRING = "string"
    NUMBER = "number"
    PARAMETER = "parameter"
    PUNCTUATION = "punctuation"


class Token(NamedTuple):
    """One token of a statement; comments and spaces are not tokens."""

    kind: Kind
    text: str
    """The token as written (a string or quoted name with its quotes)."""
    value: str
    """A name without its backticks, a parameter's name, a string's raw content."""
    offset: int
    upper: str = ""
    """A word in upper case (keywords are case-insensitive); empty for other tokens."""

    def is_punctuation(self, text: str) -> bool:
        # only punctuation is written with these characters alone
        return self.text == text

    @property
    def is_name(self) -> bool:
        return self.kind is Kind.WORD or self.kind is Kind.NAME


class Source:
    """A query text with line and column lookup for error messages."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of `offset`."""
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def refuse(self, offset: int | None, reason: str, hint: str | None = None) -> QueryRefused:
        if offset is None:
            return QueryRefused(reason, hint=hint)
        line, column = self.position(offset)
        return QueryRefused(reason, line=line, column=column, hint=hint)


def tokenize(text: str) -> list[Token]:
    """The tokens of `text`; raises QueryRefused for text that no engine should see."""
    return _Lexer(Source(text)).tokens()


def check_read_only(text: str, *, engine: str | None = None) -> None:
    """Refuse `text` unless it is one statement that only reads the graph.

    `engine` (`falkordb` or `neo4j`) adds that engine's own read-only procedures to
    `READ_PROCEDURES`. Raises QueryRefused with the line and column of what it refused.
    """
    source = Source(text)
    tokens = _Lexer(source).tokens()
    body = _single_statement(source, tokens)
    procedures = READ_PROCEDURES | ENGINE_READ_PROCEDURES.get(engine or "", frozenset())
    last = len(body) - 1
    for index, token in enumerate(body):
        if token.kind is Kind.PARAMETER and token.text.startswith("$`"):
            raise source.refuse(token.offset, "parameter names must be plain names ($name)")
        if not token.is_name:
            continue
        if token.upper in _WATCHED and not _is_name_position(body, index):
            refusal = _clause_refusal(body, index)
            if refusal is not None:
                reason, maybe_name = refusal
                hint = f"a name spelled like it needs backticks: `{token.text}`"
                raise source.refuse(token.offset, reason, hint if maybe_name else None)
        following = body[index + 1].text if index < last else ""
        if token.upper == "CALL" or following in (".", "("):
            _check_call(source, body, index, procedures)


def statement_text(text: str) -> str:
    """`text` without the `;` that may end it (engines take one statement without it)."""
    tokens = tokenize(text)
    if tokens and tokens[-1].is_punctuation(";"):
        return text[: tokens[-1].offset].rstrip()
    return text


@dataclass(frozen=True)
class Statement:
    """One statement of a script, without its `;`, and where it starts in the script."""

    text: str
    line: int
    column: int

    def locate(self, refused: QueryRefused) -> QueryRefused:
        """`refused`, about this statement's text, with its position in the whole script."""
        if refused.line is None or refused.column is None:
            return refused
        column = refused.column + self.column - 1 if refused.line == 1 else refused.column
        line = refused.line + self.line - 1
        return QueryRefused(refused.reason, line=line, column=column, hint=refused.hint)


def split_statements(text: str) -> list[Statement]:
    """The statements of a script, split at each `;` outside strings, names and comments;
    blank ones (nothing but spaces and comments) are dropped."""
    source = Source(text)
    pieces, start = [], 0
    for token in _Lexer(source).tokens():
        if token.is_punctuation(";"):
            pieces.append((start, token.offset))
            start = token.offset + 1
    pieces.append((start, len(text)))
    statements = []
    for begin, end in pieces:
        piece = text[begin:end]
        if tokenize(piece):
            offset = begin + len(piece) - len(piece.lstrip())
            statements.append(Statement(piece.strip(), *source.position(offset)))
    return statements


def is_complete(text: str) -> bool:
    """True when `text` ends with a `;` outside strings and comments (a console's signal
    that a multi-line statement is finished), or cannot be completed by more lines."""
    try:
        tokens = tokenize(text)
    except QueryRefused as exc:
        return not exc.reason.startswith("unterminated")
    return bool(tokens) and tokens[-1].is_punctuation(";")


def parameters(text: str) -> set[str]:
    """Names of the parameters (`$name`) that `text` uses."""
    return {t.value for t in tokenize(text) if t.kind is Kind.PARAMETER}


# --- the checks ---------------------------------------------------------------------------


def _single_statement(source: Source, tokens: list[Token]) -> list[Token]:
    """The tokens of the one statement, without a final `;`."""
    ends = [index for index, token in enumerate(tokens) if token.text == ";"]
    if len(ends) == len(tokens):
        raise source.refuse(None, "the query is empty")
    if ends and ends[0] + 1 < len(tokens):
        raise source.refuse(
            tokens[ends[0] + 1].offset, "a second statement starts here; send one at a time"
        )
    return tokens[: ends[0]] if ends else tokens


def _is_name_position(tokens: Sequence[Token], index: int) -> bool:
    """Whether the word at `index` can only be a name here, never a clause keyword."""
    before = tokens[index - 1] if index > 0 else None
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    if before is not None and (
        before.is_punctuation(".") or before.is_punctuation(":") or before.is_punctuation("::")
    ):
        return True  # n.delete, n {.set}, (x:Create), [:REMOVE], {k: merge}, x :: STRING
    return after is not None and after.is_punctuation(":")  # {set: 1}, (merge:Team)


def _next_word(tokens: Sequence[Token], index: int) -> str:
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    return following.upper if following is not None else ""


def _clause_refusal(tokens: Sequence[Token], index: int) -> tuple[str, bool] | None:
    """Why the keyword at `index` is refused, and whether it could be meant as a name (it
    then needs backticks); None when it is allowed."""
    token = tokens[index]
    word, following = token.upper, _next_word(tokens, index)
    if word in WRITES:
        return f"{token.text} writes to the graph; only reads are allowed", True
    if word in {"START", "STOP"} and following in {"DATABASE", "DATABASES", "SERVER", "SERVERS"}:
        return f"{token.text} {tokens[index + 1].text} is an administration command", False
    if word == "SHOW":
        reason = (
            f"{token.text} commands are not allowed; for the schema use CALL db.labels(), "
            "db.relationshipTypes() or db.propertyKeys()"
        )
        return reason, True
    if word in ADMINISTERS:
        return f"{token.text} is an administration command", True
    if word == "LOAD" and following == "CSV":
        return f"{token.text} {tokens[index + 1].text} reads files or URLs on the server", False
    if word in {"TRANSACTIONS", "CONCURRENT"}:
        return f"{token.text}: CALL {{ }} IN TRANSACTIONS commits on its own", True
    if word == "USE":
        return f"{token.text} switches to another database or graph", True
    if word in OPTIONS:
        return f"{token.text}: query options and plans are not accepted here", True
    return None


def _dotted_name(tokens: Sequence[Token], index: int) -> tuple[str, int]:
    """The name `a.b.c` (quoted parts unquoted) starting at `index`, and the index after it."""
    parts = [tokens[index].value]
    index += 1
    while (
        index + 1 < len(tokens) and tokens[index].is_punctuation(".") and tokens[index + 1].is_name
    ):
        parts.append(tokens[index + 1].value)
        index += 2
    return ".".join(parts), index


def _check_call(
    source: Source, tokens: Sequence[Token], index: int, procedures: frozenset[str]
) -> None:
    """Refuse a procedure outside `procedures` after CALL, and a function call outside the
    allowed namespaces, where the name at `index` starts one."""
    token = tokens[index]
    before = tokens[index - 1] if index > 0 else None
    if before is not None and before.is_punctuation("."):
        return  # inside a dotted name that started earlier
    if token.upper == "CALL" and not _is_name_position(tokens, index):
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if following is not None and following.is_name:
            name, _ = _dotted_name(tokens, index + 1)
            if name not in procedures:
                allowed = ", ".join(sorted(procedures))
                raise source.refuse(
                    following.offset, f"procedure {name} is not allowed here; allowed: {allowed}"
                )
        return
    if before is not None and before.upper == "CALL" and not _is_name_position(tokens, index - 1):
        return  # the procedure name, checked above
    name, after = _dotted_name(tokens, index)
    if after < len(tokens) and tokens[after].is_punctuation("(") and "." in name:
        namespace = name.rsplit(".", 1)[0].lower()
        if namespace not in FUNCTION_NAMESPACES:
            raise source.refuse(
                token.offset,
                f"function {name} is not allowed here: only built-in functions "
                f"(namespaces {', '.join(sorted(FUNCTION_NAMESPACES))})",
            )


# --- the tokenizer ------------------------------------------------------------------------

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# One token or run of spaces at a position, for plain ASCII text; anything it does not match
# (other characters, unterminated strings and comments) takes the careful path below.
_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\n\r]+)
    | (?P<comment>//[^\n\r]* | /\*.*?\*/)
    | (?P<string>'(?:[^'\\]|\\.)*+' | "(?:[^"\\]|\\.)*+")
    | (?P<name>`(?:[^`]|``)*+`)
    | (?P<parameter>\$(?:[A-Za-z0-9_]++|`(?:[^`]|``)*+`))
    | (?P<number>0x[0-9A-Fa-f_]* | 0o[0-7_]*
        | (?:[0-9][0-9_]*(?:\.[0-9][0-9_]*)? | \.[0-9][0-9_]*) (?:[eE][+-]?[0-9][0-9_]*)?)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<unterminated>/\*|['"`])
    | (?P<punctuation>\.\. | :: | [()\[\]{},.:;|+\-*/%^=<>!&~$])
    """,
    re.VERBOSE | re.DOTALL,
)
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NUL_OR_SURROGATE = re.compile("[\x00\ud800-\udfff]")


def _is_word_start(ch: str) -> bool:
    if ch.isascii():
        return ch.isalpha() or ch == "_"
    category = unicodedata.category(ch)
    return category[0] in "LN" or category in ("Mn", "Mc", "Pc")


def _is_word_part(ch: str) -> bool:
    return ch in "0123456789" or _is_word_start(ch)


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "unnamed character")
    return f"{ch!r} (U+{ord(ch):04X} {name})" if ch.isprintable() else f"U+{ord(ch):04X} {name}"


def _invisible(ch: str) -> bool:
    """Control, format (zero-width, bidi), separator, private-use or unassigned characters."""
    return unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


class _Lexer:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.text = source.text

    def tokens(self) -> list[Token]:
        text, found, expected = self.text, [], 0
        for match in _TOKEN.finditer(text):
            start, end = match.span()
            if start != expected:  # nothing matched there
                raise self._unmatched(expected)
            expected, group = end, match.lastgroup
            if group == "space":
                continue
            piece = match.group()
            if group == "word":
                # the ASCII pattern stops before a non-ASCII letter: that one refuses the name
                if end < len(text) and not text[end].isascii() and _is_word_part(text[end]):
                    self._check_ascii(start, self._word_end(end))
                found.append(Token(Kind.WORD, piece, piece, start, piece.upper()))
            elif group == "punctuation":
                found.append(Token(Kind.PUNCTUATION, piece, piece, start))
            elif group == "comment":
                self._check_comment(start + 2, end - (2 if piece.startswith("/*") else 0))
            elif group == "unterminated":
                raise self._unmatched(start)
            else:
                found.append(self._other(str(group), piece, start, end))
        if expected != len(text):
            raise self._unmatched(expected)
        return found

    def _other(self, group: str, piece: str, start: int, end: int) -> Token:
        """A string, quoted name, parameter or number, checked."""
        text = self.text
        if group == "string":
            self._check_string(start, piece[1:-1])
            return Token(Kind.STRING, piece, piece[1:-1], start)
        if group == "name":
            self._check_name(start + 1, piece[1:-1])
            return Token(Kind.NAME, piece, piece[1:-1].replace("``", "`"), start)
        if group == "parameter":
            if piece.startswith("$`"):
                self._check_name(start + 2, piece[2:-1])
                return Token(Kind.PARAMETER, piece, piece[2:-1].replace("``", "`"), start)
            if end < len(text) and not text[end].isascii() and _is_word_part(text[end]):
                self._check_ascii(start + 1, self._word_end(end))
            return Token(Kind.PARAMETER, piece, piece[1:], start)
        if end < len(text) and _is_word_part(text[end]):
            raise self._refuse(start, "a number runs into a name; put a space between them")
        return Token(Kind.NUMBER, piece, piece, start)

    def _refuse(self, offset: int, reason: str) -> QueryRefused:
        return self.source.refuse(offset, reason)

    def _unmatched(self, i: int) -> QueryRefused:
        """Why the text at `i` is no token: unterminated, or a character refused here."""
        text, ch = self.text, self.text[i]
        if text.startswith("/*", i):
            return self._refuse(i, "unterminated comment starting here")
        if ch in "'\"":
            return self._refuse(i, "unterminated string starting here")
        if ch == "`" or text.startswith("$`", i):
            return self._refuse(i, "unterminated quoted name starting here")
        if _is_word_start(ch):  # a non-ASCII letter
            self._check_ascii(i, self._word_end(i))
        if unicodedata.category(ch) == "Zs" or ch in _RISKY_IN_COMMENTS:
            return self._refuse(i, f"unusual space character {_describe(ch)}; use a plain space")
        if _invisible(ch):
            return self._refuse(i, f"invisible character {_describe(ch)}")
        folded = unicodedata.normalize("NFKC", ch)
        if folded != ch and folded.isascii():
            return self._refuse(i, f"look-alike character {_describe(ch)} (reads as {folded!r})")
        return self._refuse(i, f"unexpected character {_describe(ch)}")

    def _check_comment(self, start: int, end: int) -> None:
        """Refuse what some lexer may take for a line break, or cannot show, in a comment."""
        content = self.text[start:end]
        if content.isascii():
            if (bad := _ASCII_CONTROL.search(content)) is None:
                return
            start, content = start + bad.start(), content[bad.start() :]
        for j, ch in enumerate(content, start):
            if ch in _LINE_BREAKS or ch == "\t":
                continue
            if ch in _RISKY_IN_COMMENTS or _invisible(ch):
                raise self._refuse(j, f"invisible character {_describe(ch)} in a comment")

    def _check_string(self, start: int, content: str) -> None:
        """A string may hold any character but NUL (C engines stop there) and surrogates."""
        if (bad := _NUL_OR_SURROGATE.search(content)) is not None:
            raise self._refuse(
                start + 1 + bad.start(), f"character {_describe(bad.group())} in a string"
            )
        if start > 0 and _is_word_part(self.text[start - 1]):
            # s'...' is an interpolated string in Neo4j: expressions inside a string
            raise self._refuse(start - 1, "a name runs into a string; put a space between them")

    def _check_name(self, start: int, content: str) -> None:
        if content.isascii() and _ANY_CONTROL.search(content) is None:
            return
        for j, ch in enumerate(content, start):
            if _invisible(ch):
                raise self._refuse(j, f"invisible character {_describe(ch)} in a name")

    def _word_end(self, i: int) -> int:
        while i < len(self.text) and _is_word_part(self.text[i]):
            i += 1
        return i

    def _check_ascii(self, start: int, end: int) -> None:
        """Unquoted names are ASCII: a look-alike letter could hide a keyword from a reader
        or from this guard, and engines differ on which letters names may hold."""
        word = self.text[start:end]
        if word.isascii():
            return
        offset = start + next(k for k, ch in enumerate(word) if not ch.isascii())
        folded = unicodedata.normalize("NFKC", word)
        reads = f", reads as {folded!r}" if folded.isascii() else ""
        raise self._refuse(
            offset,
            f"non-ASCII character {_describe(self.text[offset])} in the name {word!r}{reads}; "
            "quote names with other letters in backticks",
        )
