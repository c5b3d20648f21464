"""The reference-enterprise generator: deterministic files that load through the real
pipeline into a real engine, with the node and relationship counts the generator reports."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from loaders.generate import GeneratedFiles, Sizes, generate
from loaders.pipeline import READERS, Source, load
from ontology.model import load_schema
from queries.falkor import FalkorStore

SMALL = 0.01


def file_bytes(files: GeneratedFiles) -> dict[str, bytes]:
    """Every file written, by path relative to the output folder."""
    return {
        str(path.relative_to(files.out_dir)): path.read_bytes()
        for path in sorted(files.out_dir.rglob("*"))
        if path.is_file()
    }


def sources(files: GeneratedFiles) -> list[Source]:
    return [Source(kind, path) for kind, path in files.sources]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> GeneratedFiles:
    return generate(tmp_path_factory.mktemp("small"), scale=SMALL, seed=1)


def test_same_seed_writes_identical_bytes(small: GeneratedFiles, tmp_path: Path) -> None:
    again = generate(tmp_path / "again", scale=SMALL, seed=1)
    assert file_bytes(again) == file_bytes(small)
    assert again.counts == small.counts
    assert [kind for kind, _ in again.sources] == [kind for kind, _ in small.sources]


def test_another_seed_writes_other_files(small: GeneratedFiles, tmp_path: Path) -> None:
    other = file_bytes(generate(tmp_path / "other", scale=SMALL, seed=2))
    mine = file_bytes(small)
    assert other.keys() == mine.keys()
    assert [name for name in mine if other[name] != mine[name]]


def test_sources_come_in_a_working_order(small: GeneratedFiles) -> None:
    kinds = [kind for kind, _ in small.sources]
    # every kind of source but BPMN, RDF and HR exports, which hold the same things again
    assert set(kinds) == set(READERS) - {"bpmn", "rdf", "org"}
    order = ["teams", "people", "systems", "journeys", "processes", "customers", "feedback"]
    assert [k for i, k in enumerate(kinds) if i == 0 or kinds[i - 1] != k] == order
    assert all(
        path.is_file() and path.parent.is_relative_to(small.out_dir) for _, path in small.sources
    )


def test_every_node_label_and_relationship_type_exists(small: GeneratedFiles) -> None:
    schema = load_schema()
    labels = {label for label in small.counts if not label.isupper()}
    types = {rel for rel in small.counts if rel.isupper()}
    assert labels == schema.data_labels - {"LoadRun"}
    assert types == set(schema.relationship_types)
    assert all(count > 0 for count in small.counts.values())


async def test_the_files_validate_in_a_dry_run(
    small: GeneratedFiles, empty_store: FalkorStore
) -> None:
    report = await load(empty_store, sources(small), dry_run=True)
    nodes = {label: c.created for label, c in report.nodes.items() if c.created}
    expected = {k: v for k, v in small.counts.items() if not k.isupper()}
    # a dry run writes nothing, so it cannot derive measurements from feedback scores
    assert nodes.pop("Measurement") < expected.pop("Measurement")
    assert nodes == expected
    assert report.run_id is None


async def test_the_files_load_into_a_real_engine_with_the_counts_given(
    small: GeneratedFiles, empty_store: FalkorStore
) -> None:
    report = await load(empty_store, sources(small), agent="tests")

    nodes = {
        row["label"]: row["nodes"]
        for row in await empty_store.read("graph/property_keys")
        if row["key"] == "id" and row["label"] != "LoadRun"
    }
    relationships: Counter[str] = Counter()
    for row in await empty_store.read("graph/relationship_counts"):
        relationships[row["type"]] += row["count"]
    expected_nodes = {k: v for k, v in small.counts.items() if not k.isupper()}
    expected_rels = {k: v for k, v in small.counts.items() if k.isupper()}
    assert nodes == expected_nodes
    assert dict(relationships) == expected_rels
    assert {label: c.created for label, c in report.nodes.items()} == expected_nodes
    assert {rel: c.created for rel, c in report.relationships.items()} == expected_rels


async def test_the_files_also_load_one_by_one_in_order(
    small: GeneratedFiles, empty_store: FalkorStore
) -> None:
    for source in sources(small):
        await load(empty_store, [source], agent="tests")
    relationships: Counter[str] = Counter()
    for row in await empty_store.read("graph/relationship_counts"):
        relationships[row["type"]] += row["count"]
    assert dict(relationships) == {k: v for k, v in small.counts.items() if k.isupper()}


def test_scale_multiplies_the_counts(small: GeneratedFiles, tmp_path: Path) -> None:
    double = generate(tmp_path / "double", scale=2 * SMALL, seed=1).counts
    for label in ("Customer", "Feedback", "Person", "Touchpoint", "PainPoint", "Process"):
        assert double[label] == pytest.approx(2 * small.counts[label], rel=0.05), label
    reference = Sizes.at(1)
    assert (reference.teams, reference.people, reference.processes) == (200, 5000, 1500)
    assert (reference.systems, reference.journeys, reference.stages_per_journey) == (300, 100, 8)
    assert (reference.touchpoints, reference.pain_points) == (3000, 2000)
    assert reference.customers == 200_000


async def test_tiny_scales_keep_every_kind(tmp_path: Path, empty_store: FalkorStore) -> None:
    tiny = generate(tmp_path, scale=0.0001)
    schema = load_schema()
    assert {k for k in tiny.counts if not k.isupper()} == schema.data_labels - {"LoadRun"}
    assert tiny.counts["Team"] >= 3
    assert tiny.counts["Stage"] >= 2
    assert tiny.counts["Touchpoint"] >= 2
    await load(empty_store, sources(tiny), dry_run=True)  # raises LoadFailed on any problem


@pytest.mark.parametrize("scale", [0.0, -1.0, float("nan")])
def test_scale_must_be_positive(scale: float, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale"):
        generate(tmp_path, scale=scale)
