"""Authentication and roles: API keys, bearer tokens, anonymous access, start-up refusal."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import httpx
import jwt
import pytest
import strawberry
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi import Depends, FastAPI
from strawberry.fastapi import BaseContext, GraphQLRouter
from strawberry.types import Info

from api.app import create_app
from api.limits import Limits, LimitsDep, MaskUnexpectedErrors, RequestLimits, install_limits
from api.security import (
    Authenticator,
    AuthError,
    GraphQLPrincipalDep,
    InsecureConfiguration,
    IsAdmin,
    IsEditor,
    JwtVerifier,
    Principal,
    Role,
    api_key_entry,
    hash_api_key,
    install_security,
    main,
    new_api_key,
    principal_of,
    require_role,
)
from api.settings import ApiKeyHash, ApiSettings, RoleName
from queries.store import GraphStore
from tests.api.conftest import Serve, api_settings
from tests.conftest import free_port, served

READER_KEY = "cxg_reader-key-for-tests-0123456789abcdefghijkl"
ANALYST_KEY = "cxg_analyst-key-for-tests-0123456789abcdefghijk"
EDITOR_KEY = "cxg_editor-key-for-tests-0123456789abcdefghijkl"
SECRET = "a-test-secret-that-is-long-enough-for-hs256-0123456789"
ISSUER = "https://idp.example.test"
AUDIENCE = "cxgraph"

QUERY = '{ painPoint(id: "pp-switch-hidden-fees") { name } }'
ANSWER = {"data": {"painPoint": {"name": "Fees only visible at checkout"}}}


def api_key(name: str, role: RoleName, secret: str) -> ApiKeyHash:
    return ApiKeyHash(name=name, role=role, sha256=hash_api_key(secret))


KEYS = [
    api_key("portal", "reader", READER_KEY),
    api_key("explorer", "analyst", ANALYST_KEY),
    api_key("etl", "editor", EDITOR_KEY),
]


def secure_settings(**values: Any) -> ApiSettings:
    """API keys and HS256 tokens, no anonymous access, production error masking."""
    return api_settings(
        api_keys=KEYS, jwt_secret=SECRET, jwt_issuer=ISSUER, jwt_audience=AUDIENCE, **values
    )


def token(
    claims: dict[str, Any] | None = None,
    *,
    key: Any = SECRET,
    algorithm: str = "HS256",
    expires_in: float = 300,
) -> str:
    payload = {
        "sub": "alice@example.test",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": int(time.time() + expires_in),
        "roles": ["reader"],
        **(claims or {}),
    }
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, key, algorithm)


def post(url: str, query: str = QUERY, **headers: str) -> httpx.Response:
    return httpx.post(f"{url}/graphql", json={"query": query}, headers=headers)


@pytest.fixture(scope="module")
def secure_url(serve_for_module: Serve) -> str:
    return serve_for_module(secure_settings())


# -- roles and keys -------------------------------------------------------------------------


def test_each_role_includes_the_lower_ones() -> None:
    assert Role.READER < Role.ANALYST < Role.EDITOR < Role.ADMIN
    analyst = Principal("a", Role.ANALYST, "api_key")
    assert analyst.has(Role.READER)
    assert analyst.has(Role.ANALYST)
    assert not analyst.has(Role.EDITOR)
    assert Role.named(" Editor ") is Role.EDITOR
    assert Role.EDITOR.label == "editor"


def test_api_keys_are_configured_by_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    entries = f"{api_key_entry('portal', Role.READER, READER_KEY)}, etl:EDITOR:{'A' * 64}"
    monkeypatch.setenv("CXGRAPH_API_KEYS", entries)
    settings = api_settings()
    assert [(k.name, k.role) for k in settings.api_keys] == [
        ("portal", "reader"),
        ("etl", "editor"),
    ]
    assert settings.api_keys[0].sha256 == hash_api_key(READER_KEY)
    assert READER_KEY not in entries


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ("portal:reader", "entry 1 is not `name:role:sha256`"),
        (f"portal:owner:{'a' * 64}", "role"),
        ("portal:reader:not-a-hash", "sha256"),
        (f"a:reader:{'a' * 64},a:editor:{'b' * 64}", "a name of its own"),
        (f"a:reader:{'a' * 64},b:editor:{'a' * 64}", "the same key is configured twice"),
    ],
)
def test_bad_api_key_entries_are_refused(
    monkeypatch: pytest.MonkeyPatch, entries: str, message: str
) -> None:
    monkeypatch.setenv("CXGRAPH_API_KEYS", entries)
    with pytest.raises(ValueError, match=message):
        api_settings()


def test_new_key_prints_a_key_and_its_entry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new-key", "portal", "reader"]) == 0
    lines = capsys.readouterr().out.splitlines()
    made = lines[0].rsplit(" ", 1)[1]
    assert made.startswith("cxg_")
    assert len(made) > 40
    assert lines[1].endswith(f"portal:reader:{hash_api_key(made)}")
    assert new_api_key() != new_api_key()


def test_hash_key_reads_the_key_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(EDITOR_KEY + "\n"))
    assert main(["hash-key", "etl", "editor"]) == 0
    assert capsys.readouterr().out.strip() == f"etl:editor:{hash_api_key(EDITOR_KEY)}"


def test_the_authenticator_finds_the_key_in_either_header() -> None:
    auth = Authenticator(KEYS)
    assert auth.authenticate({"x-api-key": READER_KEY}) == Principal(
        "portal", Role.READER, "api_key"
    )
    assert auth.authenticate({"authorization": f"Bearer {EDITOR_KEY}"}) == Principal(
        "etl", Role.EDITOR, "api_key"
    )
    assert auth.authenticate({}) is None  # no anonymous role
    for headers, message in [
        ({"x-api-key": "cxg_nope"}, "Unknown API key"),
        ({"authorization": f"Basic {READER_KEY}"}, "Bearer"),
        ({"authorization": "Bearer "}, "Bearer"),
        ({"authorization": f"Bearer {READER_KEY}", "x-api-key": READER_KEY}, "not both"),
    ]:
        with pytest.raises(AuthError, match=message) as caught:
            auth.authenticate(headers)
        assert caught.value.status == 401
        assert caught.value.headers == {
            "WWW-Authenticate": 'Bearer realm="cxgraph", error="invalid_token"'
        }


# -- bearer tokens --------------------------------------------------------------------------


def hs256() -> JwtVerifier:
    verifier = JwtVerifier.from_settings(secure_settings())
    assert verifier is not None
    return verifier


def test_a_token_gives_its_subject_and_highest_role() -> None:
    verifier = hs256()
    principal = verifier.verify(token({"roles": ["offline_access", "reader", "Editor"]}))
    assert principal == Principal("alice@example.test", Role.EDITOR, "jwt")
    assert verifier.verify(token({"roles": None, "role": "analyst"})).role is Role.ANALYST


@pytest.mark.parametrize(
    ("claims", "options", "message"),
    [
        ({}, {"expires_in": -3600}, "has expired"),
        ({}, {"key": "another-secret-that-is-long-enough-for-hs256-000"}, "Signature"),
        ({"exp": None}, {}, 'missing the "exp" claim'),
        ({"sub": None}, {}, 'missing the "sub" claim'),
        ({"iss": "https://elsewhere.test"}, {}, "Invalid issuer"),
        ({"aud": "another-api"}, {}, "Audience doesn't match"),
    ],
)
def test_bad_tokens_are_refused(
    claims: dict[str, Any], options: dict[str, Any], message: str
) -> None:
    with pytest.raises(AuthError, match=message) as caught:
        hs256().verify(token(claims, **options))
    assert caught.value.status == 401


def test_a_token_without_a_cxgraph_role_is_forbidden() -> None:
    with pytest.raises(AuthError, match="grants no cxgraph role") as caught:
        hs256().verify(token({"roles": ["offline_access"]}))
    assert caught.value.status == 403


def test_an_unsigned_token_is_refused() -> None:
    unsigned = jwt.encode(
        {"sub": "mallory", "exp": int(time.time()) + 60, "roles": ["admin"]}, "", "none"
    )
    with pytest.raises(AuthError, match="Invalid bearer token"):
        hs256().verify(unsigned)


def hmac_signed(claims: dict[str, Any], secret: str) -> str:
    """An HS256 token made by hand (PyJWT refuses to use a public key as a secret)."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = part(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = part(json.dumps({"exp": int(time.time()) + 60, **claims}).encode())
    signature = hmac.new(secret.encode(), f"{header}.{body}".encode(), hashlib.sha256)
    return f"{header}.{body}.{part(signature.digest())}"


def pem(private: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def test_rs256_and_es256_tokens_from_a_public_key(tmp_path: Path) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    key_file = tmp_path / "idp.pem"
    key_file.write_text(pem(ec_key))
    for public_key, private, algorithm in [
        (pem(rsa_key), rsa_key, "RS256"),
        (str(key_file), ec_key, "ES256"),  # a path to the PEM file works too
    ]:
        verifier = JwtVerifier.from_settings(
            api_settings(jwt_public_key=public_key, jwt_role_claims="realm_access.roles")
        )
        assert verifier is not None
        assert verifier.algorithm == algorithm
        signed = token(
            {"iss": None, "aud": None, "roles": None, "realm_access": {"roles": ["analyst"]}},
            key=private,
            algorithm=algorithm,
        )
        assert verifier.verify(signed).role is Role.ANALYST
        # the public key used as an HMAC secret (algorithm confusion) is refused
        with pytest.raises(AuthError, match="alg"):
            verifier.verify(hmac_signed({"sub": "mallory", "roles": ["admin"]}, public_key))


def test_weak_or_ambiguous_jwt_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="shorter than 32 bytes"):
        api_settings(jwt_secret="too-short")
    with pytest.raises(ValueError, match="not both"):
        api_settings(jwt_secret=SECRET, jwt_public_key="-----BEGIN PUBLIC KEY-----")
    with pytest.raises(InsecureConfiguration, match="too weak"):
        JwtVerifier.from_settings(api_settings(jwt_secret=SECRET[:40], jwt_algorithm="HS512"))
    with pytest.raises(InsecureConfiguration, match="not a PEM public key"):
        JwtVerifier.from_settings(api_settings(jwt_public_key="-----BEGIN PUBLIC KEY-----"))
    with pytest.raises(InsecureConfiguration, match="neither PEM text nor a readable file"):
        JwtVerifier.from_settings(api_settings(jwt_public_key="/nonexistent/key.pem"))
    rsa_public = pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    with pytest.raises(InsecureConfiguration, match="does not fit"):
        JwtVerifier.from_settings(api_settings(jwt_public_key=rsa_public, jwt_algorithm="ES256"))


# -- start-up -------------------------------------------------------------------------------


@pytest.fixture
def no_auth_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment without any CXGRAPH_ setting."""
    for name in list(os.environ):
        if name.startswith("CXGRAPH_"):
            monkeypatch.delenv(name)
    return dict(os.environ)


def test_an_app_without_authentication_is_refused(no_auth_env: dict[str, str]) -> None:
    with pytest.raises(InsecureConfiguration, match="no authentication is configured"):
        create_app(api_settings())
    create_app(api_settings(demo=True))
    create_app(api_settings(anonymous_role="reader"))
    create_app(api_settings(api_keys=KEYS))


@pytest.mark.slow  # a process of its own: imports and builds the schema
def test_the_server_process_refuses_to_start_without_authentication(
    no_auth_env: dict[str, str], tmp_path: Path
) -> None:
    command = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory"]
    result = subprocess.run(
        [*command, "--port", str(free_port())],
        env=no_auth_env,
        cwd=tmp_path,  # no .env file
        capture_output=True,
        text=True,
        timeout=300,  # a loaded machine can take long to import everything
        check=False,
    )
    assert result.returncode != 0
    assert "no authentication is configured: set CXGRAPH_API_KEYS" in result.stderr


@pytest.mark.slow  # a process of its own: imports and builds the schema
def test_demo_mode_serves_anonymous_requests_as_analyst(
    demo_dir: Path, no_auth_env: dict[str, str], tmp_path: Path
) -> None:
    # `cxgraph serve --demo` itself, on the session's engine and demo graph
    port = free_port()
    env = {**no_auth_env, "CXGRAPH_DATA_DIR": str(demo_dir), "CXGRAPH_GRAPH": "demo"}
    cli = Path(sys.executable).parent / "cxgraph"
    process = subprocess.Popen(
        [str(cli), "serve", "--demo", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            assert process.poll() is None, process.communicate()
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "cxgraph serve --demo did not start"
            time.sleep(0.1)
        assert post(url).json()["data"] == ANSWER["data"]
        assert post(url, **{"X-API-Key": "cxg_unknown"}).status_code == 401
    finally:
        process.terminate()
        _, err = process.communicate(timeout=30)
    assert "demo mode: requests without credentials are served as anonymous analyst" in err


# -- over HTTP ------------------------------------------------------------------------------


def test_a_request_without_credentials_is_401(secure_url: str) -> None:
    response = post(secure_url)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="cxgraph"'
    assert response.json() == {
        "errors": [
            {
                "message": "Authentication required: send `Authorization: Bearer <API key or "
                "token>` or `X-API-Key: <API key>`.",
                "extensions": {"code": "UNAUTHENTICATED"},
            }
        ]
    }
    get = httpx.get(f"{secure_url}/graphql", params={"query": QUERY})
    assert get.status_code == 401


def test_a_wrong_key_is_401(secure_url: str) -> None:
    for headers in [{"X-API-Key": "cxg_wrong"}, {"Authorization": "Bearer cxg_wrong"}]:
        response = post(secure_url, **headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == (
            'Bearer realm="cxgraph", error="invalid_token"'
        )
        assert response.json()["errors"][0]["message"] == "Unknown API key."


def test_a_reader_key_can_query(secure_url: str) -> None:
    for headers in [{"X-API-Key": READER_KEY}, {"Authorization": f"Bearer {READER_KEY}"}]:
        response = post(secure_url, **headers)
        assert response.status_code == 200
        assert response.json()["data"] == ANSWER["data"]
        assert "errors" not in response.json()


def test_tokens_over_http(secure_url: str) -> None:
    good = post(secure_url, Authorization=f"Bearer {token({'roles': ['editor']})}")
    assert good.status_code == 200
    assert good.json()["data"] == ANSWER["data"]
    expired = post(secure_url, Authorization=f"Bearer {token(expires_in=-3600)}")
    assert expired.status_code == 401
    assert expired.json()["errors"][0]["message"] == "The bearer token has expired."
    forged = token({"roles": ["admin"]}, key="x" * 48)
    bad = post(secure_url, Authorization=f"Bearer {forged}")
    assert bad.status_code == 401
    assert "Signature verification failed" in bad.json()["errors"][0]["message"]
    roleless = post(secure_url, Authorization=f"Bearer {token({'roles': []})}")
    assert roleless.status_code == 403
    assert roleless.json()["errors"][0]["extensions"] == {"code": "FORBIDDEN"}


def test_probes_and_the_graphiql_page_need_no_credentials(secure_url: str) -> None:
    assert httpx.get(f"{secure_url}/healthz").status_code == 200
    assert httpx.get(f"{secure_url}/readyz").status_code == 200
    assert httpx.get(f"{secure_url}/metrics").status_code == 200
    page = httpx.get(f"{secure_url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


def test_an_explicit_anonymous_role_serves_requests_without_credentials(serve: Serve) -> None:
    url = serve(api_settings(api_keys=KEYS, anonymous_role="READER"))
    assert post(url).json()["data"] == ANSWER["data"]
    assert post(url, **{"X-API-Key": "cxg_wrong"}).status_code == 401  # bad keys still fail


# -- roles on fields and routes -------------------------------------------------------------


@dataclass
class SmallContext(BaseContext):
    principal: Principal | None = None
    limits: Limits = field(default_factory=Limits)
    changed_by: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()


@strawberry.type
class SmallQuery:
    @strawberry.field
    def me(self, info: Info[SmallContext, None]) -> str:
        return principal_of(info).subject


def _rename(info: Info[SmallContext, None], name: str) -> str:
    info.context.changed_by.append(principal_of(info).subject)
    return name


def _purge() -> bool:
    return True


@strawberry.type
class SmallMutation:
    rename: str = strawberry.mutation(resolver=_rename, permission_classes=[IsEditor])
    purge: bool = strawberry.mutation(resolver=_purge, permission_classes=[IsAdmin])


small_schema = strawberry.Schema(
    query=SmallQuery, mutation=SmallMutation, extensions=[RequestLimits, MaskUnexpectedErrors]
)

RENAME = 'mutation { rename(name: "x") }'
AnalystDep = Annotated[Principal, Depends(require_role(Role.ANALYST))]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.READER, False), (Role.ANALYST, False), (Role.EDITOR, True), (Role.ADMIN, True)],
)
async def test_is_editor_lets_editors_and_admins_change(role: Role, allowed: bool) -> None:
    context = SmallContext(principal=Principal("someone", role, "api_key"))
    result = await small_schema.execute(RENAME, context_value=context)
    if allowed:
        assert result.errors is None
        assert result.data == {"rename": "x"}
        assert context.changed_by == ["someone"]  # who changed what
    else:
        assert result.data is None
        assert result.errors is not None
        (error,) = result.errors
        assert error.message == "This needs the editor role."
        assert error.extensions == {"code": "FORBIDDEN"}
        assert context.changed_by == []


async def test_without_a_principal_nothing_is_granted() -> None:
    result = await small_schema.execute("mutation { purge }", context_value=SmallContext())
    assert result.errors is not None
    assert result.errors[0].message == "This needs the admin role."
    result = await small_schema.execute("{ me }", context_value=SmallContext())
    assert result.errors is not None
    assert result.errors[0].message == "Authentication required."


@pytest.fixture(scope="module")
def small_url() -> Iterator[str]:
    """An app with the real security and limits around the small schema and a plain route."""
    app = FastAPI()
    settings = secure_settings()
    install_security(app, settings)
    install_limits(app, settings)

    async def context(principal: GraphQLPrincipalDep, limits: LimitsDep) -> SmallContext:
        return SmallContext(principal=principal, limits=limits)

    router: GraphQLRouter[SmallContext, None] = GraphQLRouter(small_schema, context_getter=context)
    app.include_router(router, prefix="/graphql")

    @app.get("/cypher")
    async def cypher(principal: AnalystDep) -> dict[str, str]:
        return {"subject": principal.subject}

    with served(app) as url:
        yield url


def test_a_reader_cannot_call_an_editor_mutation_over_http(small_url: str) -> None:
    denied = post(small_url, RENAME, **{"X-API-Key": READER_KEY}).json()
    assert denied["data"] is None
    assert denied["errors"][0]["message"] == "This needs the editor role."
    assert denied["errors"][0]["extensions"] == {"code": "FORBIDDEN"}
    allowed = post(small_url, RENAME, **{"X-API-Key": EDITOR_KEY}).json()
    assert allowed == {"data": {"rename": "x"}}
    by_token = post(small_url, RENAME, Authorization=f"Bearer {token({'roles': 'editor'})}")
    assert by_token.json() == {"data": {"rename": "x"}}
    assert post(small_url, "{ me }", **{"X-API-Key": EDITOR_KEY}).json() == {"data": {"me": "etl"}}


def test_require_role_guards_a_plain_route(small_url: str) -> None:
    missing = httpx.get(f"{small_url}/cypher")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == 'Bearer realm="cxgraph"'
    assert missing.json() == {"detail": missing.json()["detail"]}
    reader = httpx.get(f"{small_url}/cypher", headers={"X-API-Key": READER_KEY})
    assert reader.status_code == 403
    assert reader.json() == {"detail": "This needs the analyst role; portal has reader."}
    for held in (ANALYST_KEY, EDITOR_KEY):
        ok = httpx.get(f"{small_url}/cypher", headers={"X-API-Key": held})
        assert ok.status_code == 200
    assert httpx.get(f"{small_url}/cypher", headers={"X-API-Key": ANALYST_KEY}).json() == {
        "subject": "explorer"
    }


# -- the API's own mutations ----------------------------------------------------------------

MARK_VERIFIED = 'mutation { markVerified(id: "team-web", on: "2026-01-02") { id } }'


def test_a_reader_cannot_call_a_real_mutation(secure_url: str) -> None:
    for held in (READER_KEY, ANALYST_KEY):
        body = post(secure_url, MARK_VERIFIED, **{"X-API-Key": held}).json()
        assert body["data"] is None
        assert body["errors"][0]["message"] == "This needs the editor role."
        assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN"}


def test_an_editor_changes_and_is_recorded_as_the_agent(
    serve: Serve, demo_store_copy: GraphStore
) -> None:
    url = serve(secure_settings(), graph="copy")
    editor = {"Authorization": f"Bearer {token({'sub': 'bob@example.test', 'roles': 'editor'})}"}
    changed = post(url, MARK_VERIFIED, **editor).json()
    assert changed["data"] == {"markVerified": {"id": "team-web"}}
    runs = post(
        url,
        '{ loadRuns(filter: {kind: "api:markVerified"}) { nodes { agent } } }',
        **{"X-API-Key": READER_KEY},
    ).json()
    assert runs["data"]["loadRuns"]["nodes"] == [{"agent": "bob@example.test"}]
