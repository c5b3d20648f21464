"""Where the graph lives, read from the environment (and `.env`) on demand."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from queries.embedded import default_data_dir


class StoreSettings(BaseSettings):
    """Engine settings; `CXGRAPH_*` variables, Neo4j's also as plain `NEO4J_*`."""

    model_config = SettingsConfigDict(
        env_prefix="CXGRAPH_", env_file=".env", extra="ignore", env_ignore_empty=True
    )

    engine: Literal["falkordb", "neo4j"] = Field(
        default="falkordb", description="Graph engine: embedded `falkordb` or `neo4j`."
    )
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Data directory of the embedded engine.",
    )
    graph: str = Field(default="cxgraph", description="Name of the graph on the embedded engine.")
    query_timeout_s: float = Field(default=30.0, gt=0, description="Timeout of one query.")
    load_in_steps: bool = Field(
        default=False,
        description="Write each load in steps that commit one by one, after an undo step "
        "kept in the graph (queries/journal.py), instead of in one Neo4j transaction or in a "
        "copy of the embedded graph: for loads larger than the Neo4j server's transaction "
        "memory, or embedded graphs much larger than their loads. Still all or nothing, "
        "but readers see the load as it goes.",
    )
    neo4j_uri: str | None = Field(
        default=None,
        validation_alias=AliasChoices("CXGRAPH_NEO4J_URI", "NEO4J_URI"),
        description="bolt:// or neo4j:// (routing, clusters, Aura) URI of the Neo4j server.",
    )
    neo4j_user: str = Field(
        default="neo4j",
        validation_alias=AliasChoices("CXGRAPH_NEO4J_USER", "NEO4J_USER", "NEO4J_USERNAME"),
    )
    neo4j_password: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("CXGRAPH_NEO4J_PASSWORD", "NEO4J_PASSWORD"),
    )
    neo4j_database: str = Field(
        default="neo4j",
        validation_alias=AliasChoices("CXGRAPH_NEO4J_DATABASE", "NEO4J_DATABASE"),
    )

    @model_validator(mode="after")
    def _neo4j_needs_uri(self) -> StoreSettings:
        if self.engine == "neo4j" and not self.neo4j_uri:
            raise ValueError("CXGRAPH_ENGINE=neo4j needs NEO4J_URI (e.g. neo4j://localhost:7687)")
        return self


@lru_cache(maxsize=1)
def get_store_settings() -> StoreSettings:
    """The store settings of this process, read once."""
    return StoreSettings()
