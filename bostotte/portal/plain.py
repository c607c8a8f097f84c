"""Her own words: what the citizen's pages (/mig, her data download) call things.

The staff's pages speak of "borgeren" and in the instruments' clinical terms; her pages speak
to her ("du", "dig", "din") in common words. The terms that are never on her pages are listed
here once: tests/portal/test_words.py walks every page of hers and looks for each of them.
The charts' words for her live in bostotte/charts/words.py.
"""

from __future__ import annotations

import re

from bostotte import instruments
from bostotte.charts import words
from bostotte.charts.words import FKO_OCCASIONS_FOR_YOU
from bostotte.instruments import Item

# Parts of words: "klinisk" also finds "kliniske", "scor" finds "score", "scoret", "scoring",
# "Statusscore" and "FKO-scoringer". Matched case-insensitively anywhere in a word.
CLINICAL_PARTS = (
    "klinisk",  # klinisk grænse, den kliniske grænse
    "allian",  # alliancegrænse, alliance
    "pålidelig",  # pålidelig ændring, pålideligt fald
    "cut-off",
    "cutoff",
    "skæringsværdi",
    "scor",  # score, scoret, scoring, Statusscore
    "baseline",
    "indikator",  # REM's "indikatorer": hers are "områder"
    "borgeren",  # she is "du", never "borgeren" or "borgerens"
)
# Whole words only (a part would find them inside other words).
CLINICAL_WORDS = ("RCI", "FIT")


def clinical_terms(text: str) -> list[str]:
    """The listed terms found in `text` (each once, in the list's order)."""
    low = text.lower()
    found = [part for part in CLINICAL_PARTS if part in low]
    found += [w for w in CLINICAL_WORDS if re.search(rf"\b{re.escape(w)}\b", text)]
    return found


# How she took part in a scoring, said to her (the staff's words are scoring.models.PARTICIPATION).
PARTICIPATION = {
    "together": "I udfyldte den sammen.",
    "citizen_self": "Du udfyldte den selv.",
    "worker_draft": "Du ville ikke være med. Din mestringsvejleder lavede et udkast.",
    "disagreed": (
        "I var ikke enige. Din mestringsvejleders tal gælder. Dine egne tal er gemt ved siden af."
    ),
}


def participation(key: str) -> str:
    return PARTICIPATION.get(key, key)


def occasion(key: str | None) -> str | None:
    """An FKO occasion in her words ("Da I startede"); None for other instruments."""
    return FKO_OCCASIONS_FOR_YOU.get(key, key) if key else None


# A self-fill item she has left empty (the one message for it on /mig/udfyld).
NOT_ANSWERED = "Du har ikke valgt et tal endnu."

# The measures by a name she knows, with the short official name in brackets.
NAMES = {
    "FKO": "Støttebehov (FKO)",
    "ORS": "Sådan har du det (ORS)",
    "SRS": "Sådan var mødet (SRS)",
    "REM": "Ni områder af dit liv (REM)",
}


def name(instrument_id: str) -> str:
    """A measure's name on her pages; an instrument without one here keeps its own id."""
    return NAMES.get(instrument_id, instrument_id)


def item_label(item: Item) -> str:
    """An item on her pages: her plain word with the official label beside it (REM:
    "Overblik i hverdagen (Struktureringsevne)"); an item without a plain word as it is."""
    return f"{item.plain} ({item.label})" if item.plain else item.label


def declined(instrument_id: str | None) -> str:
    """What a "nej tak" of hers covers, in her words."""
    return "alle målinger" if instrument_id is None else name(instrument_id)


# Reminders to her worker, as her data download lists them (the staff's: reminders.cadence).
REMINDERS = {
    "fko_status": "Vurdering af dit støttebehov",
    "fko_final": "Sidste vurdering af dit støttebehov",
    "rem_first": "Første måling af dine ni områder (REM)",
    "rem_follow_up": "Ny måling af dine ni områder (REM)",
    "ors": "Ny måling af, hvordan du har det (ORS)",
}
# The methods in her plan, in her words.
METHODS = {"FIT": "ORS og SRS", "FKO": "FKO", "REM": "REM"}


def method(key: str) -> str:
    return METHODS.get(key, key)


def support_need(value: float) -> str:
    """An FKO value as the scale's words: 1 → "Let støttebehov"."""
    fko = instruments.get("FKO")
    return words.support_need(value, {int(k): v for k, v in fko.scale_labels.items()})


# What a reader opened, as her access log (/mig/hvem-har-set) says it: the log keeps the
# staff's words (audit.AccessLog.what); her page says them in hers.
LOG_WHAT = {
    "borgerside": "din side",
    "ret borger": "rettede dine oplysninger",
    "API: borger": "API: dine oplysninger",
    "API: ret borger": "API: rettede dine oplysninger",
    "signal set": "så et signal om dig",
    "rytme": "din rytme for målinger",
    "scoring med historik": "en måling og dens historik",
    "ret scoring": "rettede en måling",
}
_STAFF_WORDS = (
    (re.compile(r"\bscoringer\b", re.IGNORECASE), "målinger"),
    (re.compile(r"\bscoring\b", re.IGNORECASE), "måling"),
    (re.compile(r"\bborger\b", re.IGNORECASE), "dine oplysninger"),
)


def log_what(what: str) -> str:
    """ "ny scoring ORS" → "Ny måling ORS"; "borgerside" → "Din side"; "API: scoring" →
    "Et andet it-system: måling"."""
    text = LOG_WHAT.get(what, what)
    if text.startswith("API: "):
        text = "et andet it-system: " + text.removeprefix("API: ")
    for pattern, word in _STAFF_WORDS:
        text = pattern.sub(word, text)
    return text[:1].upper() + text[1:]
