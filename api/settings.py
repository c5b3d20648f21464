"""API settings, read from `CXGRAPH_*` environment variables (and `.env`) on demand."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ApiSettings(BaseSettings):
    """How the HTTP API behaves."""

    model_config = SettingsConfigDict(env_prefix="CXGRAPH_", env_file=".env", extra="ignore")

    demo: bool = Field(
        default=False, description="Demo mode: the demo data and anonymous access are allowed."
    )
    graphiql: bool = Field(default=True, description="Serve the GraphiQL IDE at /graphql.")


@lru_cache(maxsize=1)
def get_api_settings() -> ApiSettings:
    """The API settings of this process, read once."""
    return ApiSettings()
