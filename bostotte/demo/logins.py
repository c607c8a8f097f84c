"""The demo's teams and staff logins, and the login text the CLI prints after loading."""

from __future__ import annotations

from typing import NamedTuple

from bostotte.auth.models import ROLE_LABELS, Role

PASSWORD = "demo1234"
TEAM_NAMES = ("Team Nord", "Team Syd")


class Login(NamedTuple):
    key: str
    email: str
    name: str
    role: Role
    teams: tuple[int, ...]  # indexes into TEAM_NAMES
    sees: str


STAFF = (
    Login(
        "admin",
        "admin@demo.dk",
        "Jonas Bak",
        Role.ADMIN,
        (),
        "teams og medarbejderes logins; ser ingen borgere",
    ),
    Login(
        "leader",
        "leder@demo.dk",
        "Hanne Vinther",
        Role.LEADER,
        (0, 1),
        "leder af Team Nord og Team Syd: statistik og tilsyn; borgerne, når admin tillader det",
    ),
    Login(
        "worker_nord",
        "vejleder@demo.dk",
        "Mette Lindberg",
        Role.WORKER,
        (0,),
        "Team Nords borgere: planer, mål, delmål og scoringer",
    ),
    Login(
        "worker_syd", "vejleder2@demo.dk", "Karim Nasser", Role.WORKER, (1,), "Team Syds borgere"
    ),
    Login(
        "authority",
        "myndighed@demo.dk",
        "Birgitte Krogh",
        Role.AUTHORITY,
        (),
        "sagsbehandler for de fleste borgere; sætter baseline og mål for støttebehov",
    ),
    Login("worker_nord2", "vejleder3@demo.dk", "Sune Dalgaard", Role.WORKER, (0,), "Team Nord"),
    Login("worker_syd2", "vejleder4@demo.dk", "Pernille Skov", Role.WORKER, (1,), "Team Syd"),
    Login(
        "authority2",
        "myndighed2@demo.dk",
        "Torben Riis",
        Role.AUTHORITY,
        (),
        "sagsbehandler for enkelte borgere",
    ),
)
MAIN_LOGINS = 5  # the first five above; the rest are colleagues, so the data varies
BORGER_EMAIL = "borger@demo.dk"
BORGER_NAME = "Louise Kjær"


def _logins_text() -> str:
    lines = [f"Demo-logins (adgangskode: {PASSWORD}):"]
    for login in STAFF[:MAIN_LOGINS]:
        lines.append(
            f"  {ROLE_LABELS[login.role]:<18} {login.email:<20} {login.name} – {login.sees}"
        )
    lines.append(
        f"  {ROLE_LABELS[Role.CITIZEN]:<18} {BORGER_EMAIL:<20} {BORGER_NAME} – borger i "
        "Team Nord: sine egne mål, delmål og seneste målinger"
    )
    extra = ", ".join(
        f"{login.email} ({login.name}, {login.sees})" for login in STAFF[MAIN_LOGINS:]
    )
    lines.append(f"  Flere kolleger med samme adgangskode: {extra}.")
    return "\n".join(lines)


LOGINS_TEXT = _logins_text()
