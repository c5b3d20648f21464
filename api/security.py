"""Who is asking and what they may do: API keys, bearer tokens (JWT) and roles.

Roles are ordered, each including the ones before it: `reader` (queries) < `analyst`
(also read-only Cypher) < `editor` (also mutations) < `admin`.

A request proves who it is with one of:

- an API key, as `Authorization: Bearer <key>` or `X-API-Key: <key>`. Only the SHA-256 of
  each key is configured (`CXGRAPH_API_KEYS=name:role:sha256,...`); the key's name becomes
  the principal's subject. `python -m api.security new-key NAME ROLE` makes a key.
- a JSON Web Token, as `Authorization: Bearer <token>`, signed with `CXGRAPH_JWT_SECRET`
  (HS256) or the private half of `CXGRAPH_JWT_PUBLIC_KEY` (RS256, ES256, ...). It needs
  `exp` and `sub`, and `iss`/`aud` when those are configured; its role comes from the
  `roles` or `role` claim (`CXGRAPH_JWT_ROLE_CLAIMS`).
- nothing, when anonymous access is on (`CXGRAPH_ANONYMOUS_ROLE`, or demo mode, which
  makes anonymous requests `analyst`s).

An app without any of these refuses to start outside demo mode. Bad credentials are answered
401 with `WWW-Authenticate`, also on GraphQL (where the body holds `errors`); a role too low
for a field is a `FORBIDDEN` GraphQL error (`IsEditor` and friends), for a plain route a 403
(`require_role`). The principal is `info.context.principal` in resolvers.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import logging
import re
import secrets
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from fastapi import Depends, FastAPI
from fastapi.responses import JSONResponse
from jwt.algorithms import get_default_algorithms
from starlette.requests import HTTPConnection, Request
from strawberry.permission import BasePermission
from strawberry.types import Info

from api.errors import UserError
from queries.errors import CxGraphError

if TYPE_CHECKING:
    from api.settings import ApiKeyHash, ApiSettings

__all__ = [
    "AuthError",
    "Authenticator",
    "Forbidden",
    "GraphQLPrincipalDep",
    "InsecureConfiguration",
    "IsAdmin",
    "IsAnalyst",
    "IsEditor",
    "IsReader",
    "JwtVerifier",
    "Principal",
    "PrincipalDep",
    "Role",
    "api_key_entry",
    "get_principal",
    "graphql_principal",
    "hash_api_key",
    "install_security",
    "new_api_key",
    "principal_of",
    "require_role",
]

log = logging.getLogger("cxgraph.security")

REALM = "cxgraph"
DEMO_ANONYMOUS_ROLE = "analyst"
JWT_LEEWAY_S = 30  # clock skew tolerated on exp/nbf/iat
API_KEY_PREFIX = "cxg_"
API_KEY_NAME = r"[A-Za-z0-9_.@-]{1,64}"


class Role(IntEnum):
    """A role; a higher one includes every lower one."""

    READER = 1
    ANALYST = 2
    EDITOR = 3
    ADMIN = 4

    @property
    def label(self) -> str:
        """The role's name in settings and tokens: `reader`, `analyst`, ..."""
        return self.name.lower()

    @classmethod
    def named(cls, name: str) -> Role:
        """The role called `name` (any case); KeyError if there is none."""
        return cls[name.strip().upper()]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request acts for: `subject` is the API key's name, the token's `sub`, or
    `anonymous`."""

    subject: str
    role: Role
    method: Literal["api_key", "jwt", "anonymous"]

    def has(self, role: Role) -> bool:
        """True if this principal's role is `role` or a higher one."""
        return self.role >= role


class InsecureConfiguration(CxGraphError):
    """The settings would let the API run without (sound) authentication."""


class AuthError(Exception):
    """A request without valid credentials (401) or with too low a role (403)."""

    def __init__(self, status: Literal[401, 403], message: str, *, invalid_token: bool = False):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = "UNAUTHENTICATED" if status == 401 else "FORBIDDEN"
        self.invalid_token = invalid_token

    @classmethod
    def missing(cls) -> AuthError:
        return cls(
            401,
            "Authentication required: send `Authorization: Bearer <API key or token>` "
            "or `X-API-Key: <API key>`.",
        )

    @classmethod
    def invalid(cls, message: str) -> AuthError:
        return cls(401, message, invalid_token=True)

    @property
    def headers(self) -> dict[str, str]:
        """`WWW-Authenticate` for a 401 (RFC 6750), nothing for a 403."""
        if self.status != 401:
            return {}
        challenge = f'Bearer realm="{REALM}"'
        if self.invalid_token:
            challenge += ', error="invalid_token"'
        return {"WWW-Authenticate": challenge}


class Forbidden(UserError):
    """A GraphQL field needs a higher role than the request has (`extensions.code`
    FORBIDDEN)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.extensions: dict[str, Any] = {"code": "FORBIDDEN"}


# -- API keys -------------------------------------------------------------------------------


def hash_api_key(key: str) -> str:
    """The hex SHA-256 of an API key, as `CXGRAPH_API_KEYS` holds it."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_api_key() -> str:
    """A fresh random API key (256 bits), prefixed `cxg_` so that secret scanners spot it."""
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def api_key_entry(name: str, role: Role, key: str) -> str:
    """The `CXGRAPH_API_KEYS` entry of `key`: `name:role:sha256`."""
    return f"{name}:{role.label}:{hash_api_key(key)}"


@dataclass(frozen=True, slots=True)
class _Key:
    digest: bytes
    principal: Principal


# -- JSON Web Tokens ------------------------------------------------------------------------

JwtKey = (
    bytes
    | rsa.RSAPublicKey
    | ec.EllipticCurvePublicKey
    | ed25519.Ed25519PublicKey
    | ed448.Ed448PublicKey
)
"""An HMAC secret or a public key."""

_KEY_FAMILIES: dict[str, tuple[type, ...]] = {
    "HS": (bytes,),
    "RS": (rsa.RSAPublicKey,),
    "PS": (rsa.RSAPublicKey,),
    "ES": (ec.EllipticCurvePublicKey,),
    "Ed": (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey),
}
_EC_ALGORITHMS = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}


class JwtVerifier:
    """Checks bearer tokens signed with one key and one algorithm."""

    def __init__(
        self,
        key: JwtKey,
        algorithm: str,
        *,
        issuer: str | None = None,
        audience: str | None = None,
        role_claims: Sequence[str] = ("roles", "role"),
    ) -> None:
        """Raises `InsecureConfiguration` if the key does not fit the algorithm or is weak."""
        if not isinstance(key, _KEY_FAMILIES[algorithm[:2]]):
            raise InsecureConfiguration(f"the JWT key does not fit the algorithm {algorithm}")
        algorithm_obj = get_default_algorithms()[algorithm]
        weakness = algorithm_obj.check_key_length(algorithm_obj.prepare_key(key))
        if weakness:
            raise InsecureConfiguration(f"the JWT key is too weak: {weakness}")
        self._key = key
        self.algorithm = algorithm
        self._algorithms = [algorithm]  # one only: no algorithm confusion
        self._issuer = issuer
        self._audience = audience
        self._role_claims = [claim.split(".") for claim in role_claims]
        self._role_claim_names = ", ".join(role_claims)
        self._required = [
            "exp",
            "sub",
            *(["iss"] if issuer else []),
            *(["aud"] if audience else []),
        ]
        self._jwt = jwt.PyJWT(options={"enforce_minimum_key_length": True})

    @classmethod
    def from_settings(cls, settings: ApiSettings) -> JwtVerifier | None:
        """The verifier `settings` configure, or None without a JWT secret or public key."""
        key: JwtKey
        algorithm: str
        if settings.jwt_secret is not None:
            key = settings.jwt_secret.get_secret_value().encode()
            algorithm = settings.jwt_algorithm or "HS256"
        elif settings.jwt_public_key:
            key = _load_public_key(settings.jwt_public_key)
            algorithm = settings.jwt_algorithm or _algorithm_of(key)
        else:
            return None
        return cls(
            key,
            algorithm,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            role_claims=settings.jwt_role_claims,
        )

    def verify(self, token: str) -> Principal:
        """The principal of a valid token; `AuthError` (401, or 403 without a role) if not."""
        try:
            claims = self._jwt.decode(
                token,
                self._key,
                algorithms=self._algorithms,
                issuer=self._issuer,
                audience=self._audience,
                leeway=JWT_LEEWAY_S,
                options={"require": self._required},
            )
        except jwt.ExpiredSignatureError:
            raise AuthError.invalid("The bearer token has expired.") from None
        except jwt.InvalidTokenError as exc:
            raise AuthError.invalid(f"Invalid bearer token: {exc}.") from None
        subject = claims["sub"]
        if not isinstance(subject, str) or not subject:
            raise AuthError.invalid("Invalid bearer token: `sub` must be a non-empty string.")
        return Principal(subject, self._role(claims), "jwt")

    def _role(self, claims: Mapping[str, Any]) -> Role:
        for path in self._role_claims:
            value: Any = claims
            for part in path:
                value = value.get(part) if isinstance(value, Mapping) else None
            names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
            roles = [
                Role[name.upper()]
                for name in names
                if isinstance(name, str) and name.upper() in Role.__members__
            ]
            if roles:
                return max(roles)
        raise AuthError(
            403,
            f"The bearer token grants no cxgraph role: none of its claims "
            f"{self._role_claim_names} names reader, analyst, editor or admin.",
        )


def _load_public_key(text: str) -> JwtKey:
    pem = text.strip()
    if not pem.startswith("-----BEGIN"):
        path = Path(pem).expanduser()
        try:
            pem = path.read_text()
        except OSError as exc:
            raise InsecureConfiguration(
                f"CXGRAPH_JWT_PUBLIC_KEY is neither PEM text nor a readable file: {exc}"
            ) from None
    try:
        key = load_pem_public_key(pem.encode())
    except ValueError as exc:
        raise InsecureConfiguration(
            f"CXGRAPH_JWT_PUBLIC_KEY is not a PEM public key: {exc}"
        ) from None
    if not isinstance(
        key,
        rsa.RSAPublicKey
        | ec.EllipticCurvePublicKey
        | ed25519.Ed25519PublicKey
        | ed448.Ed448PublicKey,
    ):
        raise InsecureConfiguration(
            f"CXGRAPH_JWT_PUBLIC_KEY: a {type(key).__name__} cannot verify tokens; "
            "use an RSA, EC or Ed25519/Ed448 key"
        )
    return key


def _algorithm_of(key: JwtKey) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        return "RS256"
    if isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name in _EC_ALGORITHMS:
        return _EC_ALGORITHMS[key.curve.name]
    if isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        return "EdDSA"
    raise InsecureConfiguration(
        f"no JWT algorithm for a {type(key).__name__}: set CXGRAPH_JWT_ALGORITHM"
    )


# -- authentication -------------------------------------------------------------------------


class Authenticator:
    """Turns a request's credentials into a `Principal`."""

    def __init__(
        self,
        api_keys: Sequence[ApiKeyHash] = (),
        jwt_verifier: JwtVerifier | None = None,
        anonymous_role: Role | None = None,
    ) -> None:
        self._keys = [
            _Key(bytes.fromhex(k.sha256), Principal(k.name, Role.named(k.role), "api_key"))
            for k in api_keys
        ]
        self._jwt = jwt_verifier
        self.anonymous = (
            None if anonymous_role is None else Principal("anonymous", anonymous_role, "anonymous")
        )

    @classmethod
    def from_settings(cls, settings: ApiSettings) -> Authenticator:
        """The authenticator of `settings`.

        Raises `InsecureConfiguration` outside demo mode when nothing is configured: no API
        keys, no JWT key and no anonymous role.
        """
        anonymous = settings.anonymous_role or (DEMO_ANONYMOUS_ROLE if settings.demo else None)
        if not settings.authentication_configured and anonymous is None:
            raise InsecureConfiguration(
                "no authentication is configured: set CXGRAPH_API_KEYS (`python -m "
                "api.security new-key NAME ROLE` makes a key), CXGRAPH_JWT_SECRET or "
                "CXGRAPH_JWT_PUBLIC_KEY; or allow anonymous requests with "
                "CXGRAPH_ANONYMOUS_ROLE=reader. `cxgraph serve --demo` allows anonymous access "
                "for the demo."
            )
        return cls(
            settings.api_keys,
            JwtVerifier.from_settings(settings),
            None if anonymous is None else Role.named(anonymous),
        )

    def authenticate(self, headers: Mapping[str, str]) -> Principal | None:
        """The principal of a request with these headers (lower-case names, or a starlette
        `Headers`); the anonymous one or None without credentials.

        Raises `AuthError` for credentials that are present but not valid.
        """
        authorization = headers.get("authorization")
        api_key = headers.get("x-api-key")
        if authorization is not None and api_key is not None:
            raise AuthError.invalid("Send either `Authorization` or `X-API-Key`, not both.")
        if api_key is not None:
            return self._by_key(api_key.strip())
        if authorization is None:
            return self.anonymous
        scheme, _, credentials = authorization.strip().partition(" ")
        credentials = credentials.strip()
        if scheme.lower() != "bearer" or not credentials:
            raise AuthError.invalid(
                "Use `Authorization: Bearer <API key or token>` (or `X-API-Key: <API key>`)."
            )
        if self._jwt is not None and credentials.count(".") == 2:
            return self._jwt.verify(credentials)
        return self._by_key(credentials)

    def _by_key(self, key: str) -> Principal:
        digest = hashlib.sha256(key.encode()).digest()
        found = None
        for candidate in self._keys:  # compare with every key, in constant time each
            if hmac.compare_digest(digest, candidate.digest):
                found = candidate.principal
        if found is None:
            raise AuthError.invalid("Unknown API key.")
        return found

    def describe(self) -> str:
        """One line saying how requests may authenticate (no secrets)."""
        ways = []
        if self._keys:
            ways.append(f"{len(self._keys)} API key(s)")
        if self._jwt is not None:
            ways.append(f"bearer tokens ({self._jwt.algorithm})")
        if self.anonymous is not None:
            ways.append(f"anonymous requests as {self.anonymous.role.label}")
        return ", ".join(ways)


# -- FastAPI --------------------------------------------------------------------------------


def install_security(app: FastAPI, settings: ApiSettings, graphql_path: str = "/graphql") -> None:
    """Give `app` the authenticator of `settings` and the handler answering `AuthError`s.

    Raises `InsecureConfiguration` (see `Authenticator.from_settings`): the app refuses to
    start. When the app starts it logs how requests authenticate, with a warning for
    anonymous access.
    """
    authenticator = Authenticator.from_settings(settings)
    app.state.authenticator = authenticator

    async def on_auth_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AuthError)
        body: dict[str, Any]
        if request.url.path.startswith(graphql_path):  # GraphQL clients read `errors`
            body = {"errors": [{"message": exc.message, "extensions": {"code": exc.code}}]}
        else:
            body = {"detail": exc.message}
        return JSONResponse(body, status_code=exc.status, headers=exc.headers)

    app.add_exception_handler(AuthError, on_auth_error)

    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
        async with inner(app) as state:  # logging is configured by now
            if authenticator.anonymous is not None:
                log.warning(
                    "%srequests without credentials are served as anonymous %s",
                    "demo mode: " if settings.demo else "",
                    authenticator.anonymous.role.label,
                )
            log.info("authentication: %s", authenticator.describe())
            yield state

    app.router.lifespan_context = lifespan


def authenticator_of(connection: HTTPConnection) -> Authenticator:
    """The authenticator `install_security` gave the app serving `connection`."""
    authenticator = getattr(connection.app.state, "authenticator", None)
    if not isinstance(authenticator, Authenticator):
        raise RuntimeError("install_security(app, settings) was not called for this app")
    return authenticator


async def get_principal(connection: HTTPConnection) -> Principal | None:
    """The request's principal; None without credentials when anonymous access is off.

    Raises `AuthError` (401) for invalid credentials.
    """
    return authenticator_of(connection).authenticate(connection.headers)


PrincipalDep = Annotated[Principal | None, Depends(get_principal)]


async def graphql_principal(connection: HTTPConnection) -> Principal | None:
    """The principal of a GraphQL request: required, except to fetch the GraphiQL page (a
    GET without a query), which is the only case that gives None."""
    principal = authenticator_of(connection).authenticate(connection.headers)
    if principal is None and not (
        connection.scope.get("method") == "GET" and "query" not in connection.query_params
    ):
        raise AuthError.missing()
    return principal


GraphQLPrincipalDep = Annotated[Principal | None, Depends(graphql_principal)]


def require_role(role: Role) -> Callable[[HTTPConnection], Awaitable[Principal]]:
    """A dependency giving the principal of a request with at least `role`, else 401/403.

    `principal: Annotated[Principal, Depends(require_role(Role.ANALYST))]`
    """

    async def dependency(connection: HTTPConnection) -> Principal:
        principal = authenticator_of(connection).authenticate(connection.headers)
        if principal is None:
            raise AuthError.missing()
        if not principal.has(role):
            raise AuthError(
                403,
                f"This needs the {role.label} role; {principal.subject} has "
                f"{principal.role.label}.",
            )
        return principal

    return dependency


# -- GraphQL --------------------------------------------------------------------------------


class _RolePermission(BasePermission):
    """Grants a field to principals with `role` or a higher one."""

    role: ClassVar[Role]

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        principal = getattr(info.context, "principal", None)
        return isinstance(principal, Principal) and principal.has(self.role)

    def on_unauthorized(self) -> None:
        raise Forbidden(f"This needs the {self.role.label} role.")


class IsReader(_RolePermission):
    role = Role.READER


class IsAnalyst(_RolePermission):
    role = Role.ANALYST


class IsEditor(_RolePermission):
    role = Role.EDITOR


class IsAdmin(_RolePermission):
    role = Role.ADMIN


def principal_of(info: Info[Any, Any]) -> Principal:
    """Who the GraphQL request acts for (to record who changed what)."""
    principal = getattr(info.context, "principal", None)
    if not isinstance(principal, Principal):
        raise Forbidden("Authentication required.")
    return principal


# -- command line ---------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m api.security new-key NAME ROLE` / `hash-key NAME ROLE` (key on stdin)."""
    parser = argparse.ArgumentParser(
        prog="python -m api.security", description="Make entries for CXGRAPH_API_KEYS."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for command, help_text in (
        ("new-key", "make a new random key and its entry"),
        ("hash-key", "the entry of a key read from standard input"),
    ):
        sub = commands.add_parser(command, help=help_text)
        sub.add_argument("name", help="who holds the key (letters, digits, _ . @ -)")
        sub.add_argument("role", choices=[role.label for role in Role])
    args = parser.parse_args(argv)
    if not re.fullmatch(API_KEY_NAME, args.name):
        parser.error(f"a key name is 1 to 64 letters, digits, _ . @ or -, not {args.name!r}")
    role = Role.named(args.role)
    if args.command == "new-key":
        key = new_api_key()
        print(f"key (give it to its holder; it is stored nowhere): {key}")
        print(f"CXGRAPH_API_KEYS entry: {api_key_entry(args.name, role, key)}")
    else:
        key = sys.stdin.readline().strip()
        if not key:
            parser.error("no key on standard input")
        print(api_key_entry(args.name, role, key))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
