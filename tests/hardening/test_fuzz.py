"""Issue 24, "values that break pages": hypothesis-driven fuzzing of every form, every query
parameter and every id in a URL, found from the app's URL map (tests/hardening/fuzzing.py)
so a route added later is attacked without a line here. Each request must get an answer of
`fuzzing.ALLOWED` (never a 5xx), and a refused form post writes nothing.

Bounded and derandomised: FORM_EXAMPLES per form, PARAM_EXAMPLES per page. The counts of a
run are printed at its end."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from bostotte import create_app
from bostotte.common.db import MAX_ID
from tests.hardening import fuzzing
from tests.hardening.fuzzing import ALLOWED, Crawl, FuzzWorld

FORM_EXAMPLES = 20
PARAM_EXAMPLES = 8
DOWNLOAD_EXAMPLES = 3  # a PDF takes a while to render
BIG_IDS = (MAX_ID + 1, 2**63)
# The converter refuses a big id before any view, whoever asks: a staff member and anonymous.
BIG_ID_ROLES = ("w1", "anonymous")

BOUNDED = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# POST rules no page of the crawl shows a form for: why, and the fields they read.
NO_FORM = {
    "auth.keep_alive": ("the session-timeout script's request (bostotte/static)", []),
    "auth.code": ("the login's second step: only between password and code", ["code"]),
    "auth.enrol": ("setting up two-factor: only when it is required", ["code"]),
    "stats.recompute": ("'Genberegn nu': only beside stored numbers that are stale", []),
}

ANY_PARTS = {"action", "instrument"}  # `any(…)` parts and instruments: urls() knows them


def _app_map() -> Flask:
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})


_MAP = _app_map()
POST_ENDPOINTS = sorted({r.endpoint for r in fuzzing.post_rules(_MAP)})
GET_ENDPOINTS = sorted({r.endpoint for r in fuzzing.get_rules(_MAP) if not fuzzing.is_api(r)})
INT_RULES = [(r.rule, r.endpoint) for r in fuzzing.int_rules(_MAP)]


@pytest.fixture(scope="module")
def counts(request: pytest.FixtureRequest) -> Iterator[Counter[str]]:
    counter: Counter[str] = Counter()
    yield counter
    line = "fuzz: " + ", ".join(f"{k}: {v}" for k, v in sorted(counter.items()))
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is not None:
        with capture.global_and_fixture_disabled():
            print(f"\n{line}")


@pytest.fixture()
def fw(session: Session) -> FuzzWorld:
    return fuzzing.fuzz_world(session)


@pytest.fixture()
def crawled(app: Flask, fw: FuzzWorld, counts: Counter[str]) -> Crawl:
    found = fuzzing.crawl(app, fw)
    counts["crawl requests"] = found.requests
    return found


def _check(response, what: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code in ALLOWED, f"{what}: {response.status_code}"


# --- forms -------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_every_form_survives_fuzzed_values(app, session, fw, crawled, counts, endpoint):
    forms = crawled.posts.get(endpoint)
    if not forms:
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        unknown = [n for n in rule.arguments if n not in fw.values and n not in ANY_PARTS]
        assert endpoint in NO_FORM or unknown, (
            f"no page shows a form posting to {endpoint}: add it to NO_FORM with the reason"
        )
        # (A route naming a record this world lacks is posted to with id 1, no fields.)
        url = next(fuzzing.urls(app, rule, fw.values))
        fields = [fuzzing.Field(n, "") for n in NO_FORM.get(endpoint, ("", []))[1]]
        forms = [fuzzing.Found(endpoint, "w1", url, url, fields)]
    for form in forms:
        _fuzz_form(app, session, fw, form, counts)


def _fuzz_form(app, session, fw, form, counts) -> None:  # type: ignore[no-untyped-def]
    names = sorted({f.name for f in form.fields})
    defaults = {f.name: f.default for f in form.fields}
    user = fw.users[form.role]

    @settings(BOUNDED, max_examples=FORM_EXAMPLES)
    @given(
        targets=st.sets(st.sampled_from(names), min_size=1, max_size=2)
        if names
        else st.just(set()),
        values=st.lists(fuzzing.nasty, min_size=2, max_size=2),
        junk=st.one_of(st.none(), fuzzing.nasty),
    )
    def attack(targets: set[str], values: list[str], junk: str | None) -> None:
        # One or two fields fuzzed, the others as a user fills them in.
        data = {n: defaults[n] for n in names}
        data.update(zip(sorted(targets), values, strict=False))
        if junk is not None:
            data["junk"] = junk  # a field no view reads
        _post(data)

    def _post(data: dict[str, str]) -> None:
        client = fuzzing.client_for(app, user)
        before = fuzzing.row_counts(session)
        response = client.post(form.action, data=data)
        what = f"{form.role} POST {form.action} {_short(data)}"
        _check(response, what)
        if response.status_code >= 400:
            assert fuzzing.row_counts(session) == before, f"half-written: {what}"
        counts["form posts"] += 1
        counts[f"form posts answered {response.status_code}"] += 1

    attack()
    counts["forms"] += 1


def _short(data: dict[str, str]) -> dict[str, str]:
    return {k: (v if len(v) < 40 else v[:20] + f"…({len(v)})") for k, v in data.items()}


# --- query parameters --------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", GET_ENDPOINTS)
def test_every_query_parameter_survives_fuzzed_values(app, fw, crawled, counts, endpoint):
    params = fuzzing.params_read(app, endpoint)
    page = crawled.pages.get(endpoint)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    if page is None:
        # Not a page any role sees as 200 HTML (a download, a redirect): the role that may.
        url = next(fuzzing.urls(app, rule, fw.values))
        role = "w1"
        for candidate in fuzzing.ROLES:
            status = fuzzing.client_for(app, fw.users[candidate]).get(url).status_code
            if status == 200:
                role = candidate
                break
    else:
        role, url, forms = page
        params |= {f.name for form in forms if form.method == "get" for f in form.fields}
    if not params:
        return
    user = fw.users[role]
    examples = DOWNLOAD_EXAMPLES if fuzzing.DOWNLOAD.search(rule.rule) else PARAM_EXAMPLES

    @settings(BOUNDED, max_examples=examples)
    @given(query=st.fixed_dictionaries({}, optional=dict.fromkeys(sorted(params), fuzzing.nasty)))
    def attack(query: dict[str, str]) -> None:
        response = fuzzing.client_for(app, user).get(url, query_string=query)
        _check(response, f"{role} GET {url} {_short(query)}")
        counts["parameter requests"] += 1

    attack()
    counts["pages with parameters"] += 1
    counts["parameters"] += len(params)


# --- ids beyond 32 bits in URLs ----------------------------------------------------------


@pytest.mark.parametrize(("path", "endpoint"), INT_RULES)
def test_ids_beyond_32_bits_in_urls_are_404(app, fw, counts, path, endpoint):
    rule = next(r for r in app.url_map.iter_rules() if r.rule == path)
    ints = [n for n in rule.arguments if isinstance(rule._converters[n], fuzzing.IntegerConverter)]
    token = fw.values["api_token"]
    for role in BIG_ID_ROLES:
        client = fuzzing.client_for(app, fw.users[role])
        headers = {"Authorization": f"Bearer {token}"} if fuzzing.is_api(rule) else {}
        for name in ints:
            for big in BIG_IDS:
                url = _with(app, rule, fw.values, name, big)
                for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                    response = client.open(url, method=method, headers=headers)
                    assert response.status_code == 404, f"{role} {method} {url}"
                    counts["big-id requests"] += 1


def _with(app, rule, values, name, big):  # type: ignore[no-untyped-def]
    """The rule's URL with `big` for `name`: built with the real id, then swapped (the
    converter would refuse to build it)."""
    url = next(fuzzing.urls(app, rule, values))
    parts = url.split("/")
    value = values.get(name, 1)
    real = str(value[0] if isinstance(value, list) else value)
    index = [
        i
        for i, segment in enumerate(rule.rule.split("/"))
        if segment.startswith("<") and f":{name}>" in segment
    ][0]
    assert parts[index].startswith(real)
    parts[index] = str(big) + parts[index][len(real) :]  # keep a suffix: 1.pdf
    return "/".join(parts)
