"""API settings, read from `CXGRAPH_*` environment variables (and `.env`) on demand."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

RoleName = Literal["reader", "analyst", "editor", "admin"]
"""Roles, each including the ones before it (see api/security.py)."""

JwtAlgorithm = Literal[
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
    "ES256", "ES384", "ES512", "EdDSA",
]  # fmt: skip

MIN_JWT_SECRET_BYTES = 32


class ApiKeyHash(BaseModel):
    """One API key as configured: who holds it, its role, and the SHA-256 of the key."""

    model_config = ConfigDict(frozen=True, hide_input_in_errors=True)  # keys pasted by mistake

    name: str = Field(pattern=r"^[A-Za-z0-9_.@-]{1,64}$")
    role: RoleName
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="Hex SHA-256 of the key.")


class ApiSettings(BaseSettings):
    """How the HTTP API behaves."""

    model_config = SettingsConfigDict(
        env_prefix="CXGRAPH_", env_file=".env", extra="ignore", env_ignore_empty=True
    )

    demo: bool = Field(
        default=False, description="Demo mode: the demo data and anonymous access are allowed."
    )
    graphiql: bool = Field(default=True, description="Serve the GraphiQL IDE at /graphql.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="INFO", description="Lowest level logged (DEBUG also logs probes and /metrics)."
    )
    log_format: Literal["json", "console"] = Field(
        default="json", description="`json`: one JSON object per line; `console`: plain text."
    )

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _any_case(cls, value: object, info: ValidationInfo) -> object:
        if not isinstance(value, str):
            return value
        return value.upper() if info.field_name == "log_level" else value.lower()

    # -- authentication (api/security.py) ------------------------------------------------------
    api_keys: Annotated[list[ApiKeyHash], NoDecode] = Field(
        default_factory=list,
        description="API keys, `name:role:sha256` entries separated by commas; only the "
        "SHA-256 of each key is configured (`python -m api.security new-key NAME ROLE`).",
    )
    jwt_secret: SecretStr | None = Field(
        default=None, description="Shared secret of HS256 bearer tokens, at least 32 bytes."
    )
    jwt_public_key: str | None = Field(
        default=None,
        description="Public key of RS/PS/ES/EdDSA bearer tokens: PEM text or a PEM file's path.",
    )
    jwt_algorithm: JwtAlgorithm | None = Field(
        default=None,
        description="The one accepted signing algorithm; default: HS256 with a secret, else "
        "taken from the public key's type (RS256, ES256/384/512, EdDSA).",
    )
    jwt_issuer: str | None = Field(default=None, description="Required `iss` of tokens.")
    jwt_audience: str | None = Field(default=None, description="Required `aud` of tokens.")
    jwt_role_claims: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["roles", "role"],
        description="Claims holding the role (a string or a list), comma-separated, dotted "
        "for nested claims (`realm_access.roles`); the highest role named wins.",
    )
    anonymous_role: RoleName | None = Field(
        default=None,
        description="Role of requests without credentials; none (refused) unless set. "
        "Demo mode defaults it to `analyst`.",
    )

    answer_cache_mb: float = Field(
        default=64,
        ge=0,
        description="Memory for answers to GraphQL queries, reused until the graph changes "
        "(embedded engine only); 0 turns reuse off.",
    )

    # -- limits (api/limits.py) ----------------------------------------------------------------
    max_query_depth: int = Field(default=12, ge=1, description="Deepest field nesting.")
    max_aliases: int = Field(default=100, ge=0, description="Aliases in one document.")
    max_tokens: int = Field(default=5000, ge=1, description="Tokens in one document.")
    request_timeout_s: float = Field(
        default=30.0, gt=0, description="Time one GraphQL operation may take to execute."
    )
    max_page_size: int = Field(default=100, ge=1, description="Largest `first` of a page.")
    introspection: bool = Field(default=True, description="Answer introspection queries.")
    mask_errors: bool | None = Field(
        default=None,
        description="Show unexpected errors as `Unexpected error.`; default: on, off in demo.",
    )

    @field_validator("api_keys", mode="before")
    @classmethod
    def _key_entries(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        entries = []
        for number, entry in enumerate(filter(None, re.split(r"[,\s]+", value)), start=1):
            name, role, digest = [*entry.split(":", 2), "", ""][:3]
            if not (name and role and digest):
                raise ValueError(
                    f"entry {number} is not `name:role:sha256`"
                    " (`python -m api.security new-key NAME ROLE` makes one)"
                )
            entries.append({"name": name, "role": role.lower(), "sha256": digest.lower()})
        return entries

    @field_validator("jwt_role_claims", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("anonymous_role", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _credentials_are_sound(self) -> ApiSettings:
        if self.jwt_secret is not None:
            if len(self.jwt_secret.get_secret_value().encode()) < MIN_JWT_SECRET_BYTES:
                raise ValueError(
                    f"CXGRAPH_JWT_SECRET is shorter than {MIN_JWT_SECRET_BYTES} bytes: use a "
                    "random one (`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
                )
            if self.jwt_public_key is not None:
                raise ValueError("set CXGRAPH_JWT_SECRET or CXGRAPH_JWT_PUBLIC_KEY, not both")
        names = [key.name for key in self.api_keys]
        if len(set(names)) != len(names):
            raise ValueError("CXGRAPH_API_KEYS: each key needs a name of its own")
        if len({key.sha256 for key in self.api_keys}) != len(self.api_keys):
            raise ValueError("CXGRAPH_API_KEYS: the same key is configured twice")
        return self

    @property
    def authentication_configured(self) -> bool:
        """True when requests can authenticate with an API key or a bearer token."""
        return bool(self.api_keys) or self.jwt_secret is not None or bool(self.jwt_public_key)


@lru_cache(maxsize=1)
def get_api_settings() -> ApiSettings:
    """The API settings of this process, read once."""
    return ApiSettings()
