"""The worker invites from the citizen page; the citizen opens the link and sets a password."""

from __future__ import annotations

import smtplib
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from bostotte.auth import oidc
from bostotte.auth.identity import complete_login
from bostotte.auth.permissions import Action, citizen_for, requires
from bostotte.auth.services import MIN_PASSWORD_LENGTH, setting
from bostotte.common.mail import MailSettings
from bostotte.common.schema import FormSchema
from bostotte.common.time import utcnow
from bostotte.common.views import status_for, submit
from bostotte.extensions import db, limiter
from bostotte.invitations import services
from bostotte.invitations.schemas import InviteSchema

bp = Blueprint("invitations", __name__)


@bp.route("/borgere/<int:citizen_id>/invitation", methods=["GET", "POST"])
@requires(Action.INVITE)
def invite(citizen_id: int) -> tuple[str, int]:
    citizen = citizen_for(
        db.session, current_user, citizen_id, "invitation til Mine mål", Action.INVITE
    )
    access = services.citizen_access(db.session, citizen.id, utcnow())
    errors: dict[str, list[str]] = {}
    form: Any = {"email": access.email, "send_mail": "1"}
    if request.method == "POST":
        form = request.form
        result, errors = submit(
            InviteSchema(),
            request.form,
            lambda data: services.invite(
                db.session, current_user, citizen, data["email"], now=utcnow()
            ),
        )
        if result is not None:
            invitation, token = result
            settings = MailSettings.from_config(current_app.config)
            link = settings.base_url.rstrip("/") + url_for("invitations.accept", token=token)
            mail_failed = False
            if request.form.get("send_mail"):
                try:
                    services.mail_invitation(settings, invitation.email, link)
                    invitation.mailed = True  # committed by the request's edge
                except (OSError, smtplib.SMTPException):
                    current_app.logger.exception("invitation mail not sent")
                    mail_failed = True
            # The link is shown this once: only its hash is stored.
            return render_template(
                "auth/invite_sent.html",
                citizen=citizen,
                invitation=invitation,
                link=link,
                mail_failed=mail_failed,
            ), 200
    return render_template(
        "auth/invite.html", citizen=citizen, access=access, form=form, errors=errors
    ), status_for(errors)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def accept(token: str) -> tuple[str, int] | Response:
    """A citizen's invitation, or a staff member's link to choose her password (no citizen:
    the administrator's; she then logs in as usual, second factor and all)."""
    invitation = services.find(db.session, token)
    staff = invitation is not None and invitation.citizen_id is None
    if current_user.is_authenticated:
        whom = "medarbejderen" if staff else "borgeren"
        return render_template(
            "auth/invitation_refused.html",
            reason=services.LOGGED_IN.format(whom=whom, name=current_user.name),
            logged_in=True,
        ), 403
    refused = services.refusal(invitation, utcnow())
    errors: dict[str, list[str]] = {}
    passwords = staff or setting(db.session, "citizen_password_login", current_app.config)
    if refused is None and request.method == "POST" and not passwords:
        errors["_form"] = ["Brug MitID til at logge ind."]
    elif refused is None and request.method == "POST":
        user, errors = submit(
            FormSchema(),
            request.form,
            lambda _data: services.redeem(
                db.session,
                token,
                request.form.get("password", ""),
                request.form.get("password_again", ""),
                now=utcnow(),
            ),
        )
        if user is not None and staff:
            flash("Din adgangskode er gemt. Log ind med din e-mail og den nye kode.", "success")
            return redirect(url_for("auth.login"))
        if user is not None:
            complete_login(db.session, user, "invitation")
            flash("Din adgangskode er gemt. Du er logget ind.", "success")
            return redirect(url_for("portal.index"))
        refused = errors.pop("_form", [None])[0]
    if refused is not None:
        return render_template("auth/invitation_refused.html", reason=refused, staff=staff), 410
    return render_template(
        "auth/invitation_accept.html",
        token=token,
        errors=errors,
        invitation=invitation,
        min_length=MIN_PASSWORD_LENGTH,
        mitid=oidc.enabled("mitid") and not staff,
        passwords=passwords,
        staff=staff,
    ), status_for(errors)
