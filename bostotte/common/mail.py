"""Sending mail: SMTP when BOSTOTTE_SMTP_HOST is set, else .eml files in the outbox folder.

Used by the reminders' digests and the invitations. The outbox lets `make run` show their
mails without a mail server; the administrator's page lists it. Neither puts a citizen's
data in a mail: counts and a link only.
"""

from __future__ import annotations

import os
import smtplib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid, parsedate_to_datetime
from pathlib import Path
from typing import Any

from bostotte.common.time import utcnow

OUTBOX_LIMIT = 100


@dataclass(frozen=True)
class MailSettings:
    sender: str
    outbox: Path
    base_url: str = "http://127.0.0.1:5000"  # the link in the mails
    host: str | None = None
    port: int = 587
    user: str | None = None
    password: str | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings:
        return cls(
            sender=config["BOSTOTTE_SMTP_FROM"],
            outbox=Path(config["BOSTOTTE_OUTBOX"]),
            base_url=config["BOSTOTTE_BASE_URL"],
            host=config.get("BOSTOTTE_SMTP_HOST") or None,
            port=int(config.get("BOSTOTTE_SMTP_PORT") or 587),
            user=config.get("BOSTOTTE_SMTP_USER") or None,
            password=config.get("BOSTOTTE_SMTP_PASSWORD") or None,
        )

    @property
    def uses_outbox(self) -> bool:
        return self.host is None


def build_message(
    settings: MailSettings, to: str, subject: str, body: str, now: datetime | None = None
) -> EmailMessage:
    """A plain-text mail from the configured sender."""
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now or utcnow())
    msg["Message-ID"] = make_msgid(domain="bostotte")
    msg.set_content(body)
    return msg


def send(settings: MailSettings, msg: EmailMessage) -> None:
    if settings.uses_outbox:
        _write_outbox(settings.outbox, msg)
        return
    assert settings.host is not None
    smtp_cls = smtplib.SMTP_SSL if settings.port == 465 else smtplib.SMTP
    with smtp_cls(settings.host, settings.port, timeout=30) as smtp:
        if smtp_cls is smtplib.SMTP:
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls()
                smtp.ehlo()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        smtp.send_message(msg)


def _write_outbox(outbox: Path, msg: EmailMessage) -> Path:
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{utcnow():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
    tmp = outbox / f".{name}.tmp"
    tmp.write_bytes(msg.as_bytes(policy=policy.SMTP))
    os.replace(tmp, outbox / name)  # readers never see half a file
    return outbox / name


@dataclass(frozen=True)
class OutboxEntry:
    name: str
    sent_at: datetime | None
    to: str
    subject: str


def outbox_entries(outbox: Path, limit: int = OUTBOX_LIMIT) -> list[OutboxEntry]:
    """The newest mails in the outbox folder: time, recipient, subject."""
    if not outbox.is_dir():
        return []
    parser = BytesParser(policy=policy.default)
    entries = []
    for path in sorted(outbox.glob("*.eml"), reverse=True)[:limit]:
        with path.open("rb") as fh:
            headers = parser.parse(fh, headersonly=True)
        try:
            sent_at: datetime | None = parsedate_to_datetime(str(headers["Date"]))
        except (TypeError, ValueError):
            sent_at = None
        entries.append(
            OutboxEntry(path.name, sent_at, str(headers["To"] or ""), str(headers["Subject"] or ""))
        )
    return entries
