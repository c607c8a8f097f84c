"""A small but real OpenID Connect provider, served over HTTP on 127.0.0.1 for tests.

It speaks what Keycloak, Entra ID and the MitID brokers speak: discovery, the Authorization
Code flow with PKCE (S256 only), RS256 ID tokens whose `kid` is in the JWKS, userinfo and
RP-initiated logout. There is no login page: /authorize at once authenticates the user named
by `login_as`, as an identity provider with a live session would. Knobs make it issue bad ID
tokens, so that the app's tests can prove the app refuses them.

    provider = Provider(redirect_uris=["http://127.0.0.1:5000/login/sso/callback"]).start()
    provider.login_as("abc-123", name="Lise Hansen", email="lise@kommune.dk")
    ...
    provider.stop()
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit

import requests
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

DEFAULT_CLIENT_ID = "bostotte"
DEFAULT_CLIENT_SECRET = "test-client-secret"
CODE_LIFETIME = 60  # seconds; RFC 6749 §4.1.2 recommends at most 10 minutes
ID_TOKEN_LIFETIME = 300
ACCESS_TOKEN_LIFETIME = 300
SCOPES = ["openid", "profile", "email"]
CLAIMS = ["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "acr", "amr"]
CLAIMS += ["name", "given_name", "family_name", "email", "groups", "oid", "loa"]


def new_signing_key() -> RSAKey:
    """An RSA key for RS256 whose kid is its RFC 7638 thumbprint (as Keycloak does), so
    every key, the stray one for `unknown_key` too, gets a distinct kid of the same shape."""
    return RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True)


def s256(verifier: str) -> str:
    """The PKCE S256 code challenge of a verifier (RFC 7636 §4.2)."""
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _add_query(uri: str, params: dict[str, str | None]) -> str:
    """`uri` with `params` added (None values left out), keeping any query it already has."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{uri}{'&' if '?' in uri else '?'}{query}"


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


@dataclass
class _Grant:
    """What /authorize granted, for /token to redeem once."""

    client_id: str
    redirect_uri: str
    scope: str
    code_challenge: str
    nonce: str | None
    sub: str
    claims: dict[str, Any]
    auth_time: int
    issued: float  # time.monotonic()
    used: bool = False
    access_token: str | None = None  # revoked if the code is replayed


@dataclass
class _AccessToken:
    sub: str
    claims: dict[str, Any]
    expires: float  # time.monotonic()


class _OAuthError(Exception):
    """An error response of the token endpoint (RFC 6749 §5.2)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error, self.description, self.status = error, description, status


class Provider:
    """An OpenID Connect provider on http://127.0.0.1:<free port>, in a daemon thread.

    Registration (client_id, client_secret, redirect_uris, post_logout_redirect_uris) is set
    by the test and survives `reset`; the rest is per-test state and knobs, which `reset`
    puts back. The knobs are read when /token issues the ID token.
    """

    def __init__(
        self,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        redirect_uris: list[str] | None = None,
        post_logout_redirect_uris: list[str] | None = None,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris: list[str] = list(redirect_uris or [])  # exact match
        # None: any post_logout_redirect_uri is followed; a list: exact match, else a 400 page.
        self.post_logout_redirect_uris = post_logout_redirect_uris
        self._lock = threading.Lock()  # the server thread and the test both touch the state
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._initial_key = new_signing_key()
        self._stray: RSAKey | None = None  # made on first use of `unknown_key`
        self._urls = Map(
            [
                Rule("/.well-known/openid-configuration", endpoint="discovery"),
                Rule("/authorize", endpoint="authorize", methods=["GET", "POST"]),
                Rule("/token", endpoint="token", methods=["POST"]),
                Rule("/jwks", endpoint="jwks"),
                Rule("/userinfo", endpoint="userinfo", methods=["GET", "POST"]),
                Rule("/logout", endpoint="logout", methods=["GET", "POST"]),
            ]
        )
        self.reset()

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> Provider:
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Provider:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Back to the defaults: the first signing key alone in the JWKS, knobs off, nobody
        logged in, and no codes, tokens, authorizations or logouts remembered."""
        with self._lock:
            self._signing_key = self._initial_key
            self._published: list[RSAKey] = [self._initial_key]
            self.wrong_nonce = False  # the ID token's nonce differs from the request's
            self.expired = False  # iat = now - 900, exp = now - 600
            self.unknown_key = False  # signed by a key not in the JWKS (its own kid)
            self.issuer_override: str | None = None  # iss of the ID token
            self.audience_override: str | None = None  # aud of the ID token
            self.code_lifetime: float = CODE_LIFETIME
            self._user: tuple[str, dict[str, Any]] | None = None
            self._grants: dict[str, _Grant] = {}
            self._access_tokens: dict[str, _AccessToken] = {}
            self.authorizations: list[dict[str, str]] = []  # each /authorize request's params
            self.id_tokens: list[str] = []  # each ID token issued, in order
            self.logouts: list[dict[str, str]] = []  # each /logout request's params

    # -- the test's controls ------------------------------------------------------------------

    def login_as(self, sub: str, **claims: Any) -> None:
        """Who /authorize authenticates from now on, until `reset` or a /logout. The claims
        (name, email, groups, oid, amr, acr, loa, any key) go into the ID token and userinfo;
        iss, sub, aud, iat, exp, auth_time, nonce and at_hash are the provider's own."""
        with self._lock:
            self._user = (sub, dict(claims))

    def rotate_keys(self, keep_old: bool = True) -> None:
        """Sign with a new key (new kid). The JWKS serves it first, followed by the keys it
        served before if `keep_old` (a grace period for tokens already issued), else alone."""
        key = new_signing_key()
        with self._lock:
            self._published = [key, *self._published] if keep_old else [key]
            self._signing_key = key

    @property
    def signing_kid(self) -> str:
        """The kid of the key honest ID tokens are signed with now."""
        return str(self._signing_key.kid)

    def jwks(self) -> dict[str, Any]:
        with self._lock:
            return {"keys": [key.as_dict(private=False) for key in self._published]}

    # -- addresses ----------------------------------------------------------------------------

    @property
    def issuer(self) -> str:
        if self._server is None:
            raise RuntimeError("the provider is not started")
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def metadata_url(self) -> str:
        """For Authlib's `server_metadata_url`."""
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def authorization_endpoint(self) -> str:
        return f"{self.issuer}/authorize"

    @property
    def token_endpoint(self) -> str:
        return f"{self.issuer}/token"

    @property
    def jwks_uri(self) -> str:
        return f"{self.issuer}/jwks"

    @property
    def userinfo_endpoint(self) -> str:
        return f"{self.issuer}/userinfo"

    @property
    def end_session_endpoint(self) -> str:
        return f"{self.issuer}/logout"

    # -- HTTP ---------------------------------------------------------------------------------

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        try:
            endpoint, _ = self._urls.bind_to_environ(environ).match()
            response = getattr(self, f"_{endpoint}")(request)
        except HTTPException as e:
            response = e.get_response(environ)
        return response(environ, start_response)

    def _discovery(self, request: Request) -> Response:
        return _json(
            {
                "issuer": self.issuer,
                "authorization_endpoint": self.authorization_endpoint,
                "token_endpoint": self.token_endpoint,
                "jwks_uri": self.jwks_uri,
                "userinfo_endpoint": self.userinfo_endpoint,
                "end_session_endpoint": self.end_session_endpoint,
                "response_types_supported": ["code"],
                "response_modes_supported": ["query"],
                "grant_types_supported": ["authorization_code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
                "scopes_supported": SCOPES,
                "claims_supported": CLAIMS,
            }
        )

    def _jwks(self, request: Request) -> Response:
        return _json(self.jwks())

    def _authorize(self, request: Request) -> Response:
        params = request.values.to_dict()  # GET, or POST as OIDC Core §3.1.2.1 also allows
        with self._lock:
            self.authorizations.append(params)
        # An unknown client or redirect_uri gets an error page, never a redirect: redirecting
        # there would make the provider an open redirector (RFC 6749 §4.1.2.1).
        if params.get("client_id") != self.client_id:
            return _page(400, "Ukendt client_id.")
        redirect_uri = params.get("redirect_uri", "")
        if redirect_uri not in self.redirect_uris:
            return _page(400, "redirect_uri er ikke registreret.")
        state = params.get("state")

        def refuse(error: str, description: str) -> Response:
            query = {"error": error, "error_description": description, "state": state}
            return redirect(_add_query(redirect_uri, query))

        if params.get("response_type") != "code":
            return refuse("unsupported_response_type", "only response_type=code")
        scope = params.get("scope", "")
        if "openid" not in scope.split():
            return refuse("invalid_scope", "scope must contain openid")
        challenge = params.get("code_challenge", "")
        if not challenge:
            return refuse("invalid_request", "code_challenge is required (PKCE)")
        if params.get("code_challenge_method") != "S256":
            return refuse("invalid_request", "code_challenge_method must be S256")
        if len(challenge) != 43:  # base64url of a SHA-256 digest, unpadded
            return refuse("invalid_request", "malformed code_challenge")
        with self._lock:
            user = self._user
        if user is None:
            error = "login_required" if params.get("prompt") == "none" else "access_denied"
            return refuse(error, "nobody is logged in (Provider.login_as)")
        code = secrets.token_urlsafe(32)
        grant = _Grant(
            client_id=self.client_id,
            redirect_uri=redirect_uri,
            scope=scope,
            code_challenge=challenge,
            nonce=params.get("nonce"),
            sub=user[0],
            claims=user[1],
            auth_time=int(time.time()),
            issued=time.monotonic(),
        )
        with self._lock:
            self._grants[code] = grant
        return redirect(_add_query(redirect_uri, {"code": code, "state": state}))

    def _token(self, request: Request) -> Response:
        try:
            client_id = self._authenticate_client(request)
            form = request.form
            if form.get("grant_type") != "authorization_code":
                raise _OAuthError("unsupported_grant_type", "only authorization_code")
            grant = self._redeem(form.get("code", ""), client_id)
            if form.get("redirect_uri") != grant.redirect_uri:
                raise _OAuthError("invalid_grant", "redirect_uri differs from /authorize")
            verifier = form.get("code_verifier", "")
            if not 43 <= len(verifier) <= 128:  # RFC 7636 §4.1
                raise _OAuthError("invalid_grant", "code_verifier missing or malformed")
            if not _same(s256(verifier), grant.code_challenge):
                raise _OAuthError("invalid_grant", "code_verifier does not match")
        except _OAuthError as e:
            response = _json({"error": e.error, "error_description": e.description}, e.status)
            if e.status == 401:
                response.headers["WWW-Authenticate"] = 'Basic realm="token"'
            return response
        access_token = secrets.token_urlsafe(32)
        id_token = self._id_token(grant, access_token)
        with self._lock:
            grant.access_token = access_token
            self._access_tokens[access_token] = _AccessToken(
                grant.sub, grant.claims, time.monotonic() + ACCESS_TOKEN_LIFETIME
            )
            self.id_tokens.append(id_token)
        return _json(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": ACCESS_TOKEN_LIFETIME,
                "scope": grant.scope,
                "id_token": id_token,
            }
        )

    def _authenticate_client(self, request: Request) -> str:
        form = request.form
        auth = request.authorization
        if auth is not None and auth.type == "basic":
            if "client_secret" in form:
                raise _OAuthError("invalid_request", "more than one client authentication")
            # RFC 6749 §2.3.1: id and secret are form-urlencoded before the Basic encoding.
            client_id = unquote_plus(auth.username or "")
            secret = unquote_plus(auth.password or "")
            if form.get("client_id", client_id) != client_id:
                raise _OAuthError("invalid_request", "client_id differs from Basic auth")
        else:
            client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if client_id != self.client_id or not _same(secret, self.client_secret):
            raise _OAuthError("invalid_client", "client authentication failed", 401)
        return client_id

    def _redeem(self, code: str, client_id: str) -> _Grant:
        """The grant of a code, which any attempt spends, good or bad."""
        with self._lock:
            grant = self._grants.get(code)
            if grant is None:
                raise _OAuthError("invalid_grant", "unknown code")
            if grant.used:
                # RFC 6749 §4.1.2: a replayed code revokes the tokens issued for it.
                if grant.access_token:
                    self._access_tokens.pop(grant.access_token, None)
                raise _OAuthError("invalid_grant", "code already used")
            grant.used = True
            if grant.client_id != client_id:
                raise _OAuthError("invalid_grant", "code issued to another client")
            if time.monotonic() - grant.issued > self.code_lifetime:
                raise _OAuthError("invalid_grant", "code expired")
            return grant

    def _id_token(self, grant: _Grant, access_token: str) -> str:
        with self._lock:
            now = int(time.time())
            iat = now - 900 if self.expired else now
            claims: dict[str, Any] = {
                **grant.claims,
                "iss": self.issuer_override or self.issuer,
                "sub": grant.sub,
                "aud": self.audience_override or self.client_id,
                "iat": iat,
                "exp": iat + ID_TOKEN_LIFETIME,
                "auth_time": min(grant.auth_time, iat),
                # OIDC Core §3.1.3.6: left half of SHA-256 of the access token
                "at_hash": _b64url(hashlib.sha256(access_token.encode()).digest()[:16]),
            }
            nonce = grant.nonce
            if self.wrong_nonce:
                nonce = f"not-{nonce or ''}-{secrets.token_urlsafe(8)}"
            if nonce is not None:
                claims["nonce"] = nonce
            if self.unknown_key:
                if self._stray is None:
                    self._stray = new_signing_key()
                key = self._stray
            else:
                key = self._signing_key
        return jwt.encode({"alg": "RS256", "typ": "JWT", "kid": key.kid}, claims, key)

    def _userinfo(self, request: Request) -> Response:
        auth = request.authorization
        token = auth.token if auth is not None and auth.type == "bearer" else None
        with self._lock:
            found = self._access_tokens.get(token or "")
        if found is None or found.expires < time.monotonic():
            response = _json({"error": "invalid_token"}, 401)
            response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return response
        return _json({**found.claims, "sub": found.sub})

    def _logout(self, request: Request) -> Response:
        """RP-initiated logout: remember the request, end the provider's session (the next
        /authorize is refused until `login_as` again) and send the browser back."""
        params = request.values.to_dict()
        with self._lock:
            self.logouts.append(params)
            self._user = None
        target = params.get("post_logout_redirect_uri")
        if not target:
            return _page(200, "Du er logget ud.")
        allowed = self.post_logout_redirect_uris
        if allowed is not None and target not in allowed:
            return _page(400, "post_logout_redirect_uri er ikke registreret.")
        return redirect(_add_query(target, {"state": params.get("state")}))


def _json(data: dict[str, Any], status: int = 200) -> Response:
    response = Response(json.dumps(data), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"  # RFC 6749 §5.1, for the token responses
    return response


def _page(status: int, message: str) -> Response:
    body = f"<!doctype html><title>OIDC</title><p>{html.escape(message)}</p>"
    return Response(body, status=status, mimetype="text/html")


def follow_login(provider: Provider, authorize_url: str) -> tuple[str, dict[str, str]]:
    """Drive the browser's part: GET the provider's authorize URL (no redirects followed) and
    return (redirect_uri_path_with_query, query_params) from the Location header.

    The path (with its query) is what to GET with the app's test client; the params hold
    code and state, or error, error_description and state. A response that is not a
    redirect (unknown client or redirect_uri) fails the test with the provider's page."""
    if not authorize_url.startswith(f"{provider.authorization_endpoint}?"):
        raise AssertionError(f"not the provider's authorize URL: {authorize_url}")
    response = requests.get(authorize_url, allow_redirects=False, timeout=10)
    if response.status_code != 302:
        raise AssertionError(f"/authorize answered {response.status_code}: {response.text}")
    location = urlsplit(response.headers["Location"])
    path = f"{location.path}?{location.query}" if location.query else location.path
    return path, dict(parse_qsl(location.query))
