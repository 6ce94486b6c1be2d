"""The portal's e-mails (invitation, password reset), sent by the worker after the commit.

The link is made when the mail is sent, from the portal user as they are then: a user who set a
password meanwhile gets no invitation, and every link dies when a password is set.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from kartoteka.portal.models import PortalUser
from kartoteka.portal.tokens import PortalTokenGenerator, invitation_tokens, reset_tokens

KINDS: dict[str, tuple[PortalTokenGenerator, str, str]] = {
    "invitation": (invitation_tokens, "portal:invitation", "portal/email/invitation.txt"),
    "reset": (reset_tokens, "portal:reset_confirm", "portal/email/reset.txt"),
}


def link_for(kind: str, user: PortalUser) -> str:
    tokens, url_name, _template = KINDS[kind]
    path = reverse(url_name, args=[urlsafe_base64_encode(force_bytes(user.pk)), tokens.make_token(user)])  # type: ignore[arg-type]
    return str(settings.KARTOTEKA_SITE_URL).rstrip("/") + path


def _send(kind: str, user: PortalUser, language: str) -> None:
    tokens, _url_name, template = KINDS[kind]
    with translation.override(language):
        context = {
            "user": user,
            "client": user.client,
            "link": link_for(kind, user),
            "hours": tokens.timeout_seconds // 3600 or 1,
            "login": settings.KARTOTEKA_SITE_URL.rstrip("/") + reverse("portal:login"),
        }
        if kind == "invitation":
            subject = translation.gettext("Your client portal account: set your password")
        else:
            subject = translation.gettext("Client portal: set a new password")
        body = render_to_string(template, context)
    send_mail(subject, body, None, [user.email])


@task()
def portal_link_mail_task(*, kind: str, portal_user_id: int, language: str) -> None:
    user = PortalUser.objects.select_related("client").filter(pk=portal_user_id).first()
    # Gone, or activated since it was invited: there is nothing to invite to.
    if user is None or (kind == "invitation" and user.is_activated):
        return
    _send(kind, user, language)


@task()
def portal_reset_mail_task(*, email: str, language: str) -> None:
    """Look the address up here, not in the request: the answer takes as long for anyone."""
    user = PortalUser.objects.select_related("client").filter(email=email.strip().lower()).first()
    if user is None or user.is_blocked or user.client.archived_at is not None:
        return
    _send("reset", user, language)
