"""What tests/hardening/test_fuzz.py attacks, found rather than listed: the app's URL map,
the forms its pages show each role, the query parameters its views read, and the values
issue 24 found breaking pages (NUL bytes, huge strings, ids beyond 32 bits, long e-mails,
dates at the calendar's edges)."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.routing import AnyConverter, IntegerConverter, RequestRedirect, Rule

from bostotte.api import tokens
from bostotte.auth.models import User
from bostotte.auth.services import set_setting
from bostotte.common.time import utcnow
from bostotte.extensions import db
from bostotte.goals.services import close_goal
from bostotte.invitations.services import invite
from bostotte.portal.services import decline
from bostotte.scoring.services import record_scoring
from bostotte.tilsyn.handleplan import add_action
from bostotte.tilsyn.samples import draw
from bostotte.tilsyn.services import create_visit
from tests import factories as make
from tests.conftest import TODAY, login

# Every answer a request may get; anything else (a 5xx above all) is a finding.
ALLOWED = {200, 302, 303, 400, 403, 404, 409, 410, 413, 429}  # 410: a used invitation
# The roles in the order a form is tried with (the first whose pages show it).
ROLES = ("w1", "authority", "leader", "admin", "borger", "anonymous")
# Tables a refused request may still write: the reads it made, a login's session row.
# Logs, and the statistics' stored numbers (a refused form's page shows them again).
LOG_TABLES = {"access_log", "user_sessions", "heartbeats", "stat_snapshots"}
INSTRUMENTS = ("FKO", "ORS", "SRS", "REM")
# Pages with no form and no parameter worth a crawl: files, the identity providers' hops.
NOT_CRAWLED = re.compile(r"^(static|portal\.static|ops\.|auth\.(mitid|sso)_)")
DOWNLOAD = re.compile(r"\.(pdf|csv|json)$")

LONG_EMAIL = "a" * 250 + "@x.dk"  # 255 characters, one over RFC 5321's 254
HUGE = "x" * 131_073  # one over the csv module's field limit
NASTY_VALUES = [
    "\x00",
    "a\x00b",
    "Hans\x00",
    "\x1b[31m",
    "\x07\x08\x0b\x0c",
    "\x7f",
    "\u2028\u2029",
    "\ufeff",
    " ",
    " \t\r\n ",
    "\u00a0\u3000",
    HUGE,
    "9" * 131_073,
    str(2**31),
    str(2**31 - 1),
    str(2**63),
    str(-(2**31) - 1),
    "-1",
    "0",
    "1e309",
    "NaN",
    "-0,5",
    LONG_EMAIL,
    "a@" + "b" * 260 + ".dk",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "31-12-9999",
    "0000-00-00",
    "1-1-0001",
    "30-02-2026",
    "Ærø Østergård Åse",
    "\U0001f642" * 20,
    "'; DROP TABLE citizens; --",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    "%00",
    "../../etc/passwd",
]
nasty = st.one_of(
    st.sampled_from(NASTY_VALUES),
    st.text(max_size=30),
    st.text(
        alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F) | st.just("\x7f"),
        min_size=1,
        max_size=6,
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
)


# --- the world the requests run in -------------------------------------------------------


@dataclass
class FuzzWorld:
    """tests/factories.py's cast with one of every record a URL can name, and the value
    each URL variable takes (`values`: an id, or a list of them where one record would
    not show every form, e.g. an open and a closed goal)."""

    w: make.World
    users: dict[str, User | None]
    values: dict[str, Any]


def fuzz_world(session: Session) -> FuzzWorld:
    w = make.world(session)
    goal = make.goal(session, w.w1, w.p1)
    subgoal = make.subgoal(session, goal)
    scoring = record_scoring(
        session,
        w.w1,
        w.c1,
        "ORS",
        {"scored_on": date(2026, 3, 1), "participation": "together"},
        make.items("ORS", 5, 6, 7, 8),
        today=TODAY,
    )
    closed = make.goal(session, w.w1, w.p1)
    close_goal(session, w.w1, closed, {"status": "achieved", "closed_on": TODAY})
    declined = decline(session, w.borger, w.c1, "REM", None)
    personal, secret = tokens.create_personal(
        session, w.w1, "Fuzz", [s.id for s in tokens.scopes_for(w.w1)], 30, utcnow()
    )
    service, _ = tokens.create_service(
        session, w.admin, "Fuzz", ["read:stats"], [w.t1.id], 30, utcnow()
    )
    _, invitation = invite(session, w.w1, w.c2, "borger2@test.dk", now=utcnow())
    visit = create_visit(
        session,
        w.leader,
        {
            "visit_date": date(2026, 3, 4),
            "kind": "anmeldt",
            "visitor": "Socialtilsyn",
            "offer": "Fuzz",
            "model_version": "2024",
            "team_ids": [w.t1.id],
            "form": {},
        },
        TODAY,
    )
    action = add_action(
        session,
        visit,
        {
            "indicator": "9.b",
            "text": "Samtaler",
            "deadline": "4. Q 2026",
            "status": "planned",
            "note": "",
        },
    )
    set_setting(session, "leader_reads_records", True)  # so her visit offers a stikprøve
    sample = draw(session, w.leader, visit, {"size": 1, "reason": "Fuzz"})
    w.w2.totp_enabled_at = utcnow()  # so the administrator's page offers its reset
    session.commit()
    values = {
        "citizen_id": w.c1.id,
        "goal_id": [goal.id, closed.id],
        "subgoal_id": subgoal.id,
        "scoring_id": scoring.id,
        "plan_id": w.p1.id,
        "team_id": w.t1.id,
        "user_id": w.w2.id,
        "token_id": [personal.id, service.id],
        "decline_id": declined.id,
        "instrument": "ORS",
        "instrument_id": "ORS",
        "token": invitation,
        "api_token": secret,
        "visit_id": visit.id,
        "action_id": action.id,
        "sample_id": sample.id,
        "position": 1,
    }
    users: dict[str, User | None] = {
        "w1": w.w1,
        "authority": w.authority,
        "leader": w.leader,
        "admin": w.admin,
        "borger": w.borger,
        "anonymous": None,
    }
    return FuzzWorld(w=w, users=users, values=values)


def client_for(app: Flask, user: User | None) -> FlaskClient:
    """A new client, logged in as `user` (a new session each time: an example may have
    logged the last one out)."""
    client = app.test_client()
    return client if user is None else login(client, user)


def row_counts(session: Session) -> dict[str, int]:
    """Rows per table, but the logs and caches a refused request may write."""
    names = [t.name for t in db.metadata.sorted_tables if t.name not in LOG_TABLES]
    sql = " UNION ALL ".join(
        f"SELECT '{n}', COUNT(*) FROM \"{n}\""  # noqa: S608 (our table names)
        for n in names
    )
    session.expire_all()
    return dict(list(session.execute(text(sql)).tuples()))


# --- the URL map -------------------------------------------------------------------------


def is_api(rule: Rule) -> bool:
    return rule.rule.startswith("/api/")


def post_rules(app: Flask) -> list[Rule]:
    """Every rule a form posts to (the API's JSON bodies are tests/api/test_schemathesis's)."""
    return sorted(
        (r for r in app.url_map.iter_rules() if "POST" in (r.methods or ()) and not is_api(r)),
        key=lambda r: (r.rule, r.endpoint),
    )


def get_rules(app: Flask) -> list[Rule]:
    return sorted(
        (
            r
            for r in app.url_map.iter_rules()
            if "GET" in (r.methods or ()) and not NOT_CRAWLED.match(r.endpoint)
        ),
        key=lambda r: (r.rule, r.endpoint),
    )


def int_rules(app: Flask) -> list[Rule]:
    return sorted(
        (
            r
            for r in app.url_map.iter_rules()
            if any(isinstance(c, IntegerConverter) for c in r._converters.values())
        ),
        key=lambda r: (r.rule, r.endpoint),
    )


def urls(app: Flask, rule: Rule, values: dict[str, Any]) -> Iterator[str]:
    """The rule's URLs in the world: one per option of an `any(…)` part."""
    options: list[dict[str, Any]] = [{}]
    for name in rule.arguments:
        converter = rule._converters[name]
        if isinstance(converter, AnyConverter):
            choices = sorted(converter.items)
        elif name == "instrument":
            choices = list(INSTRUMENTS)
        else:
            # A variable this world has no record for (a route added since): id 1.
            value = values.get(name, 1)
            choices = value if isinstance(value, list) else [value]
        options = [{**o, name: c} for o in options for c in choices]
    adapter = app.url_map.bind("localhost")
    for o in options:
        yield adapter.build(rule.endpoint, o, method=next(iter(rule.methods or {"GET"})))


def endpoint_of(app: Flask, path: str, method: str) -> tuple[str, dict[str, Any]] | None:
    try:
        return app.url_map.bind("localhost").match(urlsplit(path).path, method=method)
    except (HTTPException, RequestRedirect):  # no rule; a slash the rule lacks
        return None


# --- forms on pages ----------------------------------------------------------------------


@dataclass
class Field:
    name: str
    default: str

    @classmethod
    def of_input(cls, name: str, attrs: dict[str, str]) -> Field:
        """The value a careful user would send: the page's own, or one that fits the input's
        type, so a fuzzed example changes one or two fields of an otherwise valid form and
        gets past validation to the database."""
        value = attrs.get("value", "")
        kind = attrs.get("type", "text").lower()
        if value or kind in ("hidden", "checkbox", "radio"):
            return cls(name, value)
        plausible = {
            "date": attrs.get("max") or "2026-11-01",
            "number": attrs.get("min") or "1",
            "email": f"fuzz.{name}@test.dk",
            "password": "Blå hest i Vejle 1987",
        }
        return cls(name, plausible.get(kind, "Fuzz-tekst"))


@dataclass
class Form:
    method: str
    action: str
    fields: list[Field] = field(default_factory=list)

    def names(self) -> tuple[str, ...]:
        return tuple(sorted({f.name for f in self.fields}))


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._selected: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("method", "get").lower(), a.get("action") or self.page)
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "name" not in a:
            choosing = tag == "option" and self._select is not None and self._selected is None
            if choosing and ("selected" in a or a.get("value")):
                self._selected = a.get("value", "")
            return
        name = a["name"]
        if name == "csrf_token":
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            unchecked = kind in ("checkbox", "radio") and "checked" not in a
            if unchecked and any(f.name == name for f in form.fields):
                return
            form.fields.append(Field.of_input(name, a))
        elif tag == "select":
            self._select, self._selected = name, None
        elif tag == "textarea":
            self._textarea, self._text = name, ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._form is not None and self._select is not None:
            self._form.fields.append(Field(self._select, self._selected or ""))
            self._select = None
        elif tag == "textarea" and self._form is not None and self._textarea is not None:
            self._form.fields.append(Field(self._textarea, self._text.strip() or "Fuzz-tekst"))
            self._textarea = None


def forms_on(page_url: str, html: str) -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.forms


@dataclass
class Found:
    """A form for `endpoint` as `role` sees it on `page`."""

    endpoint: str
    role: str
    page: str
    action: str
    fields: list[Field]


@dataclass
class Crawl:
    posts: dict[str, list[Found]] = field(default_factory=dict)  # by POST endpoint
    pages: dict[str, tuple[str, str, list[Form]]] = field(default_factory=dict)  # GET ep.
    requests: int = 0


_CRAWLED: dict[int, tuple[dict[str, Any], Crawl]] = {}


def crawl(app: Flask, fw: FuzzWorld) -> Crawl:
    """What `crawl_once` found for this app, its URLs moved to this world's ids (each
    test's world is new; crawling every page as every role once is enough)."""
    if id(app) not in _CRAWLED:
        _CRAWLED[id(app)] = (dict(fw.values), crawl_once(app, fw))
    old, found = _CRAWLED[id(app)]

    def moved(url: str, method: str) -> str:
        endpoint, args = app.url_map.bind("localhost").match(urlsplit(url).path, method=method)
        args = {k: _moved(old.get(k), fw.values.get(k), v) for k, v in args.items()}
        return app.url_map.bind("localhost").build(endpoint, args, method=method)

    return Crawl(
        posts={
            e: [
                Found(f.endpoint, f.role, moved(f.page, "GET"), moved(f.action, "POST"), f.fields)
                for f in forms
            ]
            for e, forms in found.posts.items()
        },
        pages={e: (r, moved(u, "GET"), forms) for e, (r, u, forms) in found.pages.items()},
        requests=found.requests,
    )


def ids(fw: FuzzWorld, name: str) -> list[Any]:
    value = fw.values.get(name)
    return value if isinstance(value, list) else [value]


def first(fw: FuzzWorld, name: str) -> Any:
    return ids(fw, name)[0]


def _moved(old: Any, new: Any, value: Any) -> Any:
    """`value` of the old world as the new world's same record."""
    old_ids = old if isinstance(old, list) else [old]
    new_ids = new if isinstance(new, list) else [new]
    return new_ids[old_ids.index(value)] if value in old_ids else value


def crawl_once(app: Flask, fw: FuzzWorld) -> Crawl:
    """Every GET page of the map as each role: the forms each shows (those naming the
    world's own records) and, per GET endpoint, the first role it answers 200."""
    found = Crawl()
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for role in ROLES:
        user = fw.users[role]
        client = client_for(app, user)
        for rule in get_rules(app):
            if is_api(rule) or DOWNLOAD.search(rule.rule):
                continue
            for url in urls(app, rule, fw.values):
                response = client.get(url)
                found.requests += 1
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                html = response.get_data(as_text=True)
                forms = forms_on(url, html)
                found.pages.setdefault(rule.endpoint, (role, url, forms))
                for form in forms:
                    if form.method != "post":
                        continue
                    match = endpoint_of(app, form.action, "POST")
                    if match is None:
                        continue
                    endpoint, args = match
                    if any(isinstance(v, int) and v not in ids(fw, k) for k, v in args.items()):
                        continue  # another record's form: the same fields as ours
                    key = (form.action, form.names())
                    if key in seen:
                        continue
                    seen.add(key)
                    found.posts.setdefault(endpoint, []).append(
                        Found(endpoint, role, url, form.action, form.fields)
                    )
    return found


# --- query parameters --------------------------------------------------------------------

_ARG = re.compile(r"request\.(?:args|values)\.get\(\s*[\"'](\w+)[\"']")
_SCHEMA_ARGS = re.compile(r"load_form\(\s*([\w.]+)\(\)\s*,\s*request\.(?:args|values)\s*\)")


def params_read(app: Flask, endpoint: str) -> set[str]:
    """The query parameters the endpoint's module reads: `request.args.get("x")` and the
    fields of a schema loaded from `request.args`."""
    view = app.view_functions[endpoint]
    module = importlib.import_module(view.__module__)
    source = Path(module.__file__ or "").read_text(encoding="utf-8")
    names = set(_ARG.findall(source))
    for dotted in _SCHEMA_ARGS.findall(source):
        target: Any = module
        for part in dotted.split("."):
            target = getattr(target, part)
        names |= {f.data_key or n for n, f in target().fields.items()}
    return names


def all_params(app: Flask, endpoints: Iterable[str]) -> dict[str, set[str]]:
    return {e: params_read(app, e) for e in endpoints}
