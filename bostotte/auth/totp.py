"""The second factor for local logins: TOTP (RFC 6238, 30-second steps, 6 digits) with
pyotp, the enrolment QR code with segno, and one-time recovery codes.

A code is accepted in the step before, at or after now (clocks drift), and only in a
step later than the last one used: the same code twice is refused.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from datetime import datetime

import pyotp
import segno
from markupsafe import Markup

ISSUER = "Bostøtte"
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, account: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """The enrolment QR code as inline SVG (no style attribute: the CSP allows none)."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(
        out,
        kind="svg",
        scale=5,
        border=4,
        xmldecl=False,
        title="QR-kode til din godkendelses-app",
        svgclass="qr",
        lineclass=None,
    )
    return Markup(out.getvalue().decode())  # segno's own SVG: no user text in it


def verify(secret: str, code: str, last_step: int | None, now: datetime) -> int | None:
    """The time step the code belongs to, if it is right and not used before; else None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step_now = totp.timecode(now)
    for step in (step_now - 1, step_now, step_now + 1):
        if last_step is not None and step <= last_step:
            continue
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes like "k7dm-q3xa-9r": 50 bits each, so a SHA-256 of them is enough."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    return codes


def hash_recovery_code(code: str) -> str:
    normal = "".join(c for c in code.lower() if c.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()
