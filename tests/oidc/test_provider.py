"""The test provider is a conformant OpenID Connect provider: driven by Authlib's requests
client and checked with joserfc and Authlib's ID token claims, as a relying party would. The
app's SSO tests rely on this; none of these tests uses the app."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from authlib.oidc import discovery, rpinitiated
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import (
    ExpiredTokenError,
    InvalidClaimError,
    InvalidKeyIdError,
    MissingClaimError,
)
from joserfc.jwk import KeySet

from tests.oidc.provider import DEFAULT_CLIENT_ID, Provider, follow_login, s256

RP = "http://127.0.0.1:5999"  # the relying party's origin, as the provider sees it; never dialled
REDIRECT_URI = f"{RP}/login/sso/callback"
OTHER_REDIRECT_URI = f"{RP}/other/callback"


@pytest.fixture(scope="module")
def running() -> Iterator[Provider]:
    with Provider(redirect_uris=[REDIRECT_URI, OTHER_REDIRECT_URI]) as provider:
        yield provider


@pytest.fixture
def provider(running: Provider) -> Provider:
    running.reset()  # leaves the registration alone, so put back what a test may change
    running.redirect_uris = [REDIRECT_URI, OTHER_REDIRECT_URI]
    running.post_logout_redirect_uris = None
    running.login_as("user-1", name="Lise Hansen", email="lise@kommune.dk", groups=["staff"])
    return running


@dataclass
class Login:
    """A login as far as the browser's return to the relying party."""

    session: OAuth2Session
    verifier: str
    nonce: str
    state: str
    callback: str  # the full URL the browser was sent back to
    params: dict[str, str]

    def redeem(self, provider: Provider, **kwargs: Any) -> dict[str, Any]:
        return self.session.fetch_token(
            provider.token_endpoint,
            authorization_response=self.callback,
            state=self.state,
            code_verifier=self.verifier,
            **kwargs,
        )


def start_login(
    provider: Provider, redirect_uri: str = REDIRECT_URI, **session_kwargs: Any
) -> Login:
    session = OAuth2Session(
        provider.client_id,
        provider.client_secret,
        scope="openid profile email",
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        **session_kwargs,
    )
    verifier, nonce = generate_token(48), generate_token(20)
    url, state = session.create_authorization_url(
        provider.authorization_endpoint, code_verifier=verifier, nonce=nonce
    )
    path, params = follow_login(provider, url)
    assert path.startswith(urlsplit(redirect_uri).path + "?")
    return Login(session, verifier, nonce, state, RP + path, params)


def decode(provider: Provider, id_token: str) -> jwt.Token:
    """The ID token, its RS256 signature checked against the JWKS fetched over HTTP."""
    jwks = requests.get(provider.jwks_uri, timeout=5).json()
    return jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=["RS256"])


def check_joserfc(provider: Provider, claims: dict[str, Any], nonce: str) -> None:
    """A relying party's claim checks, with joserfc's registry."""
    jwt.JWTClaimsRegistry(
        leeway=60,
        iss={"essential": True, "value": provider.issuer},
        aud={"essential": True, "value": provider.client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    ).validate(claims)


def check_authlib(
    provider: Provider, decoded: jwt.Token, token: dict[str, Any], nonce: str
) -> None:
    """The checks Authlib's Flask client makes in parse_id_token (the app's library)."""
    params = {"nonce": nonce, "client_id": provider.client_id}
    params["access_token"] = token["access_token"]
    options = {"iss": {"values": [provider.issuer]}}
    CodeIDToken(decoded.claims, decoded.header, options, params).validate(leeway=120)


def token_post(provider: Provider, data: dict[str, str], **kwargs: Any) -> requests.Response:
    return requests.post(provider.token_endpoint, data=data, timeout=5, **kwargs)


def code_form(login: Login, **overrides: str) -> dict[str, str]:
    form = {
        "grant_type": "authorization_code",
        "code": login.params["code"],
        "redirect_uri": REDIRECT_URI,
        "code_verifier": login.verifier,
    }
    return {**form, **overrides}


def basic(provider: Provider, secret: str | None = None) -> tuple[str, str]:
    return (provider.client_id, provider.client_secret if secret is None else secret)


def authorize_query(provider: Provider, **overrides: str | None) -> dict[str, str]:
    query: dict[str, str | None] = {
        "client_id": provider.client_id,
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": "openid",
        "state": "st-1",
        "nonce": "n-1",
        "code_challenge": s256("v" * 43),
        "code_challenge_method": "S256",
    }
    return {k: v for k, v in {**query, **overrides}.items() if v is not None}


def authorize(provider: Provider, **overrides: str | None) -> requests.Response:
    query = authorize_query(provider, **overrides)
    return requests.get(
        provider.authorization_endpoint, params=query, allow_redirects=False, timeout=5
    )


def redirect_params(response: requests.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    return {k: v[0] for k, v in parse_qs(location.query).items()}


# -- discovery and keys ---------------------------------------------------------------------


def test_discovery(provider: Provider) -> None:
    url = discovery.get_well_known_url(provider.issuer, external=True)
    assert url == provider.metadata_url
    data = requests.get(url, timeout=5).json()
    assert data["issuer"] == provider.issuer
    assert provider.issuer.startswith("http://127.0.0.1:")
    assert not provider.issuer.endswith("/")
    base = provider.issuer
    assert data["authorization_endpoint"] == f"{base}/authorize"
    assert data["token_endpoint"] == f"{base}/token"
    assert data["jwks_uri"] == f"{base}/jwks"
    assert data["userinfo_endpoint"] == f"{base}/userinfo"
    assert data["end_session_endpoint"] == f"{base}/logout"
    assert data["response_types_supported"] == ["code"]
    assert data["subject_types_supported"] == ["public"]
    assert data["id_token_signing_alg_values_supported"] == ["RS256"]
    assert data["code_challenge_methods_supported"] == ["S256"]
    assert data["token_endpoint_auth_methods_supported"] == [
        "client_secret_basic",
        "client_secret_post",
    ]
    assert "openid" in data["scopes_supported"]
    assert {"sub", "iss", "nonce", "email", "groups", "acr", "amr"} <= set(data["claims_supported"])
    # Authlib's own checks of OpenID Connect Discovery and RP-Initiated Logout metadata
    discovery.OpenIDProviderMetadata(data).validate(
        metadata_classes=[rpinitiated.OpenIDProviderMetadata]
    )


def test_jwks_serves_the_public_signing_key(provider: Provider) -> None:
    jwks = requests.get(provider.jwks_uri, timeout=5).json()
    assert len(jwks["keys"]) == 1
    key = jwks["keys"][0]
    assert key["kid"] == provider.signing_kid
    assert (key["kty"], key["use"], key["alg"], key["e"]) == ("RSA", "sig", "RS256", "AQAB")
    assert len(base64.urlsafe_b64decode(key["n"] + "==")) == 256  # 2048 bits
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)  # no private parts


# -- the happy path -------------------------------------------------------------------------


def test_full_login_gives_a_valid_id_token(provider: Provider) -> None:
    provider.login_as(
        "abc-123",
        name="Lise Hansen",
        email="lise@kommune.dk",
        groups=["bostotte-medarbejder"],
        oid="0f0e-oid",
        amr=["mitid"],
        acr="https://data.gov.dk/concept/core/nsis/loa/Substantial",
        loa="substantial",
    )
    login = start_login(provider)
    assert login.params["state"] == login.state
    assert set(login.params) == {"code", "state"}
    before = int(time.time())
    token = login.redeem(provider)
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 300
    assert token["access_token"]

    decoded = decode(provider, token["id_token"])
    assert decoded.header["alg"] == "RS256"
    assert decoded.header["kid"] == provider.signing_kid
    claims = decoded.claims
    check_joserfc(provider, claims, login.nonce)
    check_authlib(provider, decoded, token, login.nonce)
    assert claims["iss"] == provider.issuer
    assert claims["aud"] == DEFAULT_CLIENT_ID == provider.client_id
    assert claims["sub"] == "abc-123"
    assert claims["nonce"] == login.nonce
    assert claims["exp"] - claims["iat"] == 300
    assert before - 2 <= claims["iat"] <= time.time() + 2
    assert claims["auth_time"] <= claims["iat"]
    assert claims["name"] == "Lise Hansen"
    assert claims["email"] == "lise@kommune.dk"
    assert claims["groups"] == ["bostotte-medarbejder"]
    assert claims["oid"] == "0f0e-oid"
    assert claims["amr"] == ["mitid"]
    assert claims["acr"] == "https://data.gov.dk/concept/core/nsis/loa/Substantial"
    assert claims["loa"] == "substantial"
    assert provider.id_tokens == [token["id_token"]]
    assert provider.authorizations[0]["nonce"] == login.nonce

    info = login.session.get(provider.userinfo_endpoint, timeout=5)
    assert info.status_code == 200
    assert info.json()["sub"] == "abc-123"
    assert info.json()["email"] == "lise@kommune.dk"


def test_client_secret_post_is_accepted(provider: Provider) -> None:
    login = start_login(provider, token_endpoint_auth_method="client_secret_post")
    token = login.redeem(provider)
    assert decode(provider, token["id_token"]).claims["sub"] == "user-1"


def test_redirect_uri_query_is_kept(provider: Provider) -> None:
    provider.redirect_uris = [f"{REDIRECT_URI}?tenant=aarhus"]
    response = authorize(provider, redirect_uri=f"{REDIRECT_URI}?tenant=aarhus")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["tenant"] == ["aarhus"]
    assert query["state"] == ["st-1"]
    assert len(query["code"][0]) >= 40


# -- /token refusals ------------------------------------------------------------------------


def test_code_is_single_use_and_replay_revokes_the_access_token(provider: Provider) -> None:
    login = start_login(provider)
    token = login.redeem(provider)
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert requests.get(provider.userinfo_endpoint, headers=bearer, timeout=5).status_code == 200

    with pytest.raises(OAuthError, match="invalid_grant"):
        login.redeem(provider)
    again = token_post(provider, code_form(login), auth=basic(provider))
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    revoked = requests.get(provider.userinfo_endpoint, headers=bearer, timeout=5)
    assert revoked.status_code == 401
    assert revoked.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_wrong_pkce_verifier_is_refused_and_spends_the_code(provider: Provider) -> None:
    login = start_login(provider)
    wrong = token_post(provider, code_form(login, code_verifier="w" * 43), auth=basic(provider))
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    assert wrong.headers["Cache-Control"] == "no-store"
    with pytest.raises(OAuthError, match="invalid_grant"):
        login.redeem(provider)  # the right verifier, but the code is gone


def test_missing_pkce_verifier_is_refused(provider: Provider) -> None:
    login = start_login(provider)
    form = code_form(login)
    del form["code_verifier"]
    response = token_post(provider, form, auth=basic(provider))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("method", ["basic", "post"])
def test_wrong_client_secret_is_refused(provider: Provider, method: str) -> None:
    login = start_login(provider)
    if method == "basic":
        response = token_post(provider, code_form(login), auth=basic(provider, "wrong"))
    else:
        form = code_form(login, client_id=provider.client_id, client_secret="wrong")
        response = token_post(provider, form)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_wrong_client_secret_fails_authlib(provider: Provider) -> None:
    login = start_login(provider)
    login.session.client_secret = "wrong"
    with pytest.raises(OAuthError, match="invalid_client"):
        login.redeem(provider)


def test_unknown_client_id_is_refused_at_token(provider: Provider) -> None:
    login = start_login(provider)
    response = token_post(provider, code_form(login), auth=("someone-else", "x"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_redirect_uri_must_match_the_authorize_request(provider: Provider) -> None:
    login = start_login(provider)
    with pytest.raises(OAuthError, match="invalid_grant"):
        login.redeem(provider, redirect_uri=OTHER_REDIRECT_URI)


def test_expired_code_is_refused(provider: Provider) -> None:
    provider.code_lifetime = 0
    login = start_login(provider)
    response = token_post(provider, code_form(login), auth=basic(provider))
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant", "error_description": "code expired"}


def test_other_grant_types_are_refused(provider: Provider) -> None:
    form = {"grant_type": "client_credentials"}
    response = token_post(provider, form, auth=basic(provider))
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


# -- /authorize refusals --------------------------------------------------------------------


def test_unregistered_redirect_uri_gets_a_page_not_a_redirect(provider: Provider) -> None:
    response = authorize(provider, redirect_uri=f"{RP}/evil")
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "redirect_uri" in response.text
    # a prefix of a registered URI is not a match either
    assert authorize(provider, redirect_uri=f"{REDIRECT_URI}x").status_code == 400
    with pytest.raises(AssertionError, match="answered 400"):
        follow_login(
            provider, provider.authorization_endpoint + "?redirect_uri=http%3A%2F%2Fevil%2F"
        )


def test_unknown_client_id_gets_a_page(provider: Provider) -> None:
    response = authorize(provider, client_id="someone-else")
    assert response.status_code == 400
    assert "Location" not in response.headers


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"code_challenge_method": "plain", "code_challenge": "v" * 43}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),
        ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
        ({"code_challenge": "short"}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "profile email"}, "invalid_scope"),
    ],
)
def test_bad_authorize_requests_are_refused_by_redirect(
    provider: Provider, overrides: dict[str, str | None], error: str
) -> None:
    params = redirect_params(authorize(provider, **overrides))
    assert params["error"] == error
    assert params["state"] == "st-1"
    assert "code" not in params


def test_nobody_logged_in_means_access_denied(provider: Provider) -> None:
    provider.reset()
    params = redirect_params(authorize(provider))
    assert params == {
        "error": "access_denied",
        "error_description": "nobody is logged in (Provider.login_as)",
        "state": "st-1",
    }
    assert redirect_params(authorize(provider, prompt="none"))["error"] == "login_required"


def test_post_to_authorize_works_too(provider: Provider) -> None:
    query = authorize_query(provider)
    response = requests.post(
        provider.authorization_endpoint, data=query, allow_redirects=False, timeout=5
    )
    assert set(redirect_params(response)) == {"code", "state"}


def test_follow_login_refuses_a_url_elsewhere(provider: Provider) -> None:
    with pytest.raises(AssertionError, match="not the provider's authorize URL"):
        follow_login(provider, "http://127.0.0.1:1/authorize?client_id=bostotte")


# -- knobs: bad ID tokens that a relying party must refuse ---------------------------------


def test_wrong_nonce(provider: Provider) -> None:
    provider.wrong_nonce = True
    login = start_login(provider)
    token = login.redeem(provider)
    decoded = decode(provider, token["id_token"])  # the signature is fine
    assert decoded.claims["nonce"] != login.nonce
    with pytest.raises(InvalidClaimError, match="'nonce'"):
        check_joserfc(provider, decoded.claims, login.nonce)
    with pytest.raises(InvalidClaimError, match="'nonce'"):
        check_authlib(provider, decoded, token, login.nonce)


def test_expired(provider: Provider) -> None:
    provider.expired = True
    login = start_login(provider)
    token = login.redeem(provider)
    decoded = decode(provider, token["id_token"])
    now = time.time()
    assert decoded.claims["exp"] <= now - 590
    assert decoded.claims["iat"] <= now - 890
    with pytest.raises(ExpiredTokenError, match="expired"):
        check_joserfc(provider, decoded.claims, login.nonce)
    with pytest.raises(ExpiredTokenError, match="expired"):
        check_authlib(provider, decoded, token, login.nonce)


def test_unknown_key(provider: Provider) -> None:
    provider.unknown_key = True
    login = start_login(provider)
    token = login.redeem(provider)
    header = json.loads(base64.urlsafe_b64decode(token["id_token"].split(".")[0] + "=="))
    jwks = requests.get(provider.jwks_uri, timeout=5).json()
    assert header["alg"] == "RS256"
    assert len(header["kid"]) == len(provider.signing_kid) == 43  # same kid scheme (RFC 7638)
    assert header["kid"] not in {key["kid"] for key in jwks["keys"]}
    with pytest.raises(InvalidKeyIdError, match="No key for kid"):
        decode(provider, token["id_token"])


def test_issuer_override(provider: Provider) -> None:
    provider.issuer_override = "https://evil.example"
    login = start_login(provider)
    token = login.redeem(provider)
    decoded = decode(provider, token["id_token"])
    assert decoded.claims["iss"] == "https://evil.example"
    with pytest.raises(InvalidClaimError, match="'iss'"):
        check_joserfc(provider, decoded.claims, login.nonce)
    with pytest.raises(InvalidClaimError, match="'iss'"):
        check_authlib(provider, decoded, token, login.nonce)


def test_audience_override(provider: Provider) -> None:
    provider.audience_override = "another-client"
    login = start_login(provider)
    token = login.redeem(provider)
    decoded = decode(provider, token["id_token"])
    assert decoded.claims["aud"] == "another-client"
    with pytest.raises(InvalidClaimError, match="'aud'"):
        check_joserfc(provider, decoded.claims, login.nonce)
    # Authlib's IDToken has no aud check of its own: it refuses a foreign aud through the
    # OIDC rule that an ID token for another audience must name this client in azp.
    with pytest.raises(MissingClaimError, match="'azp'"):
        check_authlib(provider, decoded, token, login.nonce)


def test_reset_turns_the_knobs_off(provider: Provider) -> None:
    provider.wrong_nonce = provider.expired = provider.unknown_key = True
    provider.issuer_override = provider.audience_override = "x"
    provider.reset()
    provider.login_as("user-2")
    login = start_login(provider)
    token = login.redeem(provider)
    decoded = decode(provider, token["id_token"])
    check_joserfc(provider, decoded.claims, login.nonce)
    check_authlib(provider, decoded, token, login.nonce)
    assert decoded.claims["sub"] == "user-2"


# -- key rotation ---------------------------------------------------------------------------


def test_rotate_keys_keeps_the_old_key_for_a_grace_period(provider: Provider) -> None:
    old_kid = provider.signing_kid
    before = start_login(provider).redeem(provider)["id_token"]
    provider.rotate_keys()
    assert provider.signing_kid != old_kid
    jwks = requests.get(provider.jwks_uri, timeout=5).json()
    assert [key["kid"] for key in jwks["keys"]] == [provider.signing_kid, old_kid]
    after = start_login(provider).redeem(provider)["id_token"]
    assert decode(provider, after).header["kid"] == provider.signing_kid
    assert decode(provider, before).header["kid"] == old_kid  # still verifiable

    provider.reset()
    assert provider.signing_kid == old_kid
    assert [k["kid"] for k in provider.jwks()["keys"]] == [old_kid]


def test_rotate_keys_without_grace_drops_the_old_key(provider: Provider) -> None:
    old_kid = provider.signing_kid
    before = start_login(provider).redeem(provider)["id_token"]
    provider.rotate_keys(keep_old=False)
    jwks = requests.get(provider.jwks_uri, timeout=5).json()
    assert [key["kid"] for key in jwks["keys"]] == [provider.signing_kid]
    assert provider.signing_kid != old_kid
    with pytest.raises(InvalidKeyIdError, match="No key for kid"):
        decode(provider, before)
    after = start_login(provider).redeem(provider)["id_token"]
    assert decode(provider, after).claims["sub"] == "user-1"


# -- logout ---------------------------------------------------------------------------------


def test_logout_records_redirects_and_ends_the_session(provider: Provider) -> None:
    id_token = start_login(provider).redeem(provider)["id_token"]
    back = f"{RP}/logged-out"
    response = requests.get(
        provider.end_session_endpoint,
        params={"id_token_hint": id_token, "post_logout_redirect_uri": back, "state": "s-9"},
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{back}?state=s-9"
    assert provider.logouts == [
        {"id_token_hint": id_token, "post_logout_redirect_uri": back, "state": "s-9"}
    ]
    assert provider.logouts[0]["id_token_hint"] == provider.id_tokens[-1]
    # the provider's own session is over, as at a real IdP
    assert redirect_params(authorize(provider))["error"] == "access_denied"


def test_logout_without_redirect_shows_a_page(provider: Provider) -> None:
    response = requests.get(provider.end_session_endpoint, allow_redirects=False, timeout=5)
    assert response.status_code == 200
    assert "logget ud" in response.text
    assert provider.logouts == [{}]


def test_logout_redirect_must_be_registered_when_a_list_is_set(provider: Provider) -> None:
    provider.post_logout_redirect_uris = [f"{RP}/logged-out"]
    response = requests.get(
        provider.end_session_endpoint,
        params={"post_logout_redirect_uri": f"{RP}/evil"},
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert provider.logouts == [{"post_logout_redirect_uri": f"{RP}/evil"}]
