"""Settings from the environment as docker compose passes them."""

from __future__ import annotations

import pytest

from api.settings import ApiSettings


def test_empty_variables_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    # docker-compose.yml passes `${CXGRAPH_ANONYMOUS_ROLE:-}` and the like: empty when unset
    for name in ("API_KEYS", "JWT_SECRET", "JWT_ISSUER", "ANONYMOUS_ROLE", "LOG_FORMAT"):
        monkeypatch.setenv(f"CXGRAPH_{name}", "")
    settings = ApiSettings(_env_file=None)
    assert settings.api_keys == []
    assert settings.jwt_secret is None
    assert settings.anonymous_role is None
    assert settings.log_format == "json"
    assert not settings.authentication_configured
