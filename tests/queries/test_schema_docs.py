"""The analyst's schema reference: current, complete, well-formed, and its examples run."""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser

import pytest

from ontology.model import load_schema
from queries.guard import check_read_only
from queries.lint import lint_queries
from queries.registry import NamedQuery
from queries.schema_docs import (
    SCHEMA_MD,
    example_queries,
    inline_html,
    render_html,
    render_markdown,
    schema_html,
    slug,
)
from queries.store import GraphStore
from tests.queries.test_cypher import ontology_lint_schema

VOID = {"meta", "br", "hr", "img", "input", "link", "source", "wbr", "col", "area", "base"}


class Page(HTMLParser):
    """Parses a page strictly enough: every element closed in order, ids and links noted."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.ids: list[str] = []
        self.links: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.code: list[str] = []
        self.text: list[str] = []
        self.headings: list[tuple[str, str | None]] = []
        self._in_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if (id_ := found.get("id")) is not None:
            self.ids.append(id_)
        if (href := found.get("href")) is not None:
            self.links.append(href)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append((tag, found.get("id")))
        if tag == "code":
            self._in_code += 1
            self.code.append("")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if (id_ := dict(attrs).get("id")) is not None:
            self.ids.append(id_)

    def handle_endtag(self, tag: str) -> None:
        assert self.open[-1:] == [tag], f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()
        if tag == "code":
            self._in_code -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_code:
            self.code[-1] += data


@pytest.fixture(scope="module")
def html() -> str:
    return render_html()


@pytest.fixture(scope="module")
def page(html: str) -> Page:
    parsed = Page()
    parsed.feed(html)
    parsed.close()
    return parsed


@pytest.fixture(scope="module")
def markdown() -> str:
    return render_markdown()


def test_committed_markdown_is_current(markdown: str) -> None:
    assert SCHEMA_MD.read_text(encoding="utf-8") == markdown, (
        "docs/schema.md is stale: run `cxgraph schema docs --output docs/schema.md`"
    )


def test_every_label_type_and_property_is_in_the_markdown(markdown: str) -> None:
    schema = load_schema()
    headings = set(re.findall(r"^#+ (.+)$", markdown, flags=re.MULTILINE))
    assert schema.labels <= headings
    assert schema.types <= headings
    for label, node_type in schema.node_types.items():
        section = markdown.split(f"\n#### {label}\n", 1)[1].split("\n#", 1)[0]
        assert node_type.comment in section
        for name in node_type.properties:
            assert f"| `{name}` |" in section, (label, name)
    for key in schema.property_keys:
        assert f"| `{key}` |" in markdown, key
    for rel in schema.relationship_types.values():
        assert rel.comment in markdown
    for source, rel_type, target in schema.endpoints():
        assert f"[{source}](#{slug(source)}) → [{target}](#{slug(target)})" in markdown
        assert f"  {source} -->|{rel_type}| {target}" in markdown  # the Mermaid diagram
    assert "```mermaid\nflowchart LR\n" in markdown


def test_markdown_links_point_at_headings(markdown: str) -> None:
    anchors = {slug(h) for h in re.findall(r"^#+ (.+)$", markdown, flags=re.MULTILINE)}
    targets = set(re.findall(r"\]\(#([^)]+)\)", markdown))
    assert targets <= anchors
    assert not re.search(r"\]\((?!#)", markdown), "links stay inside the page"


def test_html_parses_and_is_self_contained(html: str, page: Page) -> None:
    assert html.startswith("<!DOCTYPE html>\n")
    assert page.open == [], f"unclosed elements: {page.open}"
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"
    assert all(link.startswith("#") for link in page.links), "links stay inside the page"
    assert set(link[1:] for link in page.links) <= set(page.ids)
    for tag, attrs in page.tags:
        assert tag not in {"script", "link", "img", "iframe", "object", "embed"}, tag
        for name, value in attrs.items():
            assert name != "src", tag
            assert not name.startswith("on"), (tag, name)
            assert "url(" not in (value or "") or (value or "").startswith("url(#"), value
            assert "//" not in (value or ""), (tag, name, value)
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "url(" not in style
    assert "@import" not in style


def test_html_is_accessible_and_readable_on_a_narrow_window(html: str, page: Page) -> None:
    tags = [tag for tag, _ in page.tags]
    assert ("html", {"lang": "en"}) in page.tags
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in (
        page.tags
    )
    for landmark in ("nav", "main", "header", "footer"):
        assert landmark in tags
    assert [tag for tag, _ in page.headings].count("h1") == 1
    assert all(id_ for _, id_ in page.headings), "every heading has an id"
    levels = [int(tag[1]) for tag, _ in page.headings]
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), "no skipped level"
    (svg,) = [attrs for tag, attrs in page.tags if tag == "svg"]
    assert svg["role"] == "img"
    title_id, desc_id = (svg["aria-labelledby"] or "").split()
    assert {title_id, desc_id} <= set(page.ids)
    assert "title" in tags
    assert "desc" in tags
    assert "@media (prefers-color-scheme: dark)" in html
    assert ".table { overflow-x: auto;" in html  # wide tables scroll, the page does not


def test_every_label_type_and_property_is_in_the_html(page: Page) -> None:
    schema = load_schema()
    ids = set(page.ids)
    assert {slug(label) for label in schema.labels} <= ids
    assert {slug(rel_type) for rel_type in schema.types} <= ids
    assert schema.property_keys <= set(page.code)
    text = "".join(page.text)
    for node_type in schema.node_types.values():
        assert node_type.comment.replace("`", "") in text
        for spec in node_type.properties.values():
            assert spec.comment.replace("`", "") in text  # `x` is shown as code


def test_examples_are_in_both_outputs(markdown: str, page: Page) -> None:
    examples = example_queries(load_schema())
    assert len(examples) == len(list(load_schema().endpoints()))
    for example in examples:
        assert f"```cypher\n{example.text}\n```" in markdown
        assert example.text in page.code


def test_examples_lint_clean_as_neo4j_5_and_pass_the_analyst_guard() -> None:
    examples = example_queries(load_schema())
    problems = lint_queries({e.name: e.text for e in examples}, ontology_lint_schema())
    assert [str(p) for p in problems] == []
    for example in examples:
        check_read_only(example.text)


async def test_examples_run_on_the_demo_company(demo_store: GraphStore) -> None:
    for example in example_queries(load_schema()):
        query = NamedQuery(example.name, example.text, "", None, 1)
        rows = (await demo_store.execute(query, {}, write=False)).rows
        assert 1 <= len(rows) <= 10, example.name
        columns = re.search(r"RETURN (.+)\n", example.text)
        assert columns is not None
        names = [part.rsplit(" AS ", 1)[1] for part in columns.group(1).split(", ")]
        for row in rows:
            assert list(row) == names, example.name
            assert all(isinstance(value, str) and value for value in row.values()), row
        assert rows == sorted(rows, key=lambda r: tuple(r.values())), example.name


def test_schema_html_is_built_once(html: str) -> None:
    assert schema_html() is schema_html()
    assert schema_html() == html


def test_inline_markup_is_escaped_and_converted() -> None:
    converted = inline_html("a <b> & `x<y>` [T](#t) **s** *e*")
    assert converted == (
        'a &lt;b&gt; &amp; <code>x&lt;y&gt;</code> <a href="#t">T</a> <strong>s</strong> <em>e</em>'
    )
    # inside code nothing else is converted
    assert inline_html("`^[0-9]+(\\.[0-9]+)*$` and `**x**`") == (
        "<code>^[0-9]+(\\.[0-9]+)*$</code> and <code>**x**</code>"
    )
