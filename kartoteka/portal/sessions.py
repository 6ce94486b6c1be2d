"""The portal's own session: a cookie of its own, valid only under /portal/, checked on every request.

Staff sessions (Django's auth, `request.user`) and portal sessions never mix: the portal cookie
is not even sent to staff pages, so a portal user is anonymous there (the staff login page), and
a staff login sets no portal user, so the portal sends staff to the portal's login page.

Every portal request reads the user and its client again (one query) and ends the session when
the user is blocked, the client is in the archive, or the password changed since the login: the
next click after archiving or blocking lands on the login page, whichever way the change was
made (one client, a bulk job, the API), with no hook into those services.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib import import_module
from typing import Any, Literal

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase, UpdateError
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import http_date

from kartoteka.portal.models import PortalUser

COOKIE_NAME = "kartoteka_portal"
COOKIE_PATH = "/portal/"
USER_KEY = "portal_user_id"
HASH_KEY = "portal_user_hash"
SAMESITE: Literal["Lax"] = "Lax"  # as the staff cookie: links from e-mails keep the session


def _store(session_key: str | None) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    return engine.SessionStore(session_key)  # type: ignore[no-any-return]


def session_hash(user: PortalUser) -> str:
    """Changes when the password does: a session from before a new password ends."""
    return salted_hmac("kartoteka.portal.session", user.password, algorithm="sha256").hexdigest()


def may_log_in(user: PortalUser) -> bool:
    """The login rule: not blocked, the client not in the archive, a password set."""
    return not user.is_blocked and user.client.archived_at is None and user.has_usable_password()


def portal_user_of(session: SessionBase) -> PortalUser | None:
    user_id = session.get(USER_KEY)
    if not isinstance(user_id, int):
        return None
    user = PortalUser.objects.select_related("client").filter(pk=user_id).first()
    if user is None or not may_log_in(user):
        return None
    if not constant_time_compare(str(session.get(HASH_KEY, "")), session_hash(user)):
        return None
    return user


def portal_login(request: HttpRequest, user: PortalUser) -> None:
    session: SessionBase = request.portal_session  # type: ignore[attr-defined]
    session.cycle_key()  # no session fixation
    session[USER_KEY] = user.pk
    session[HASH_KEY] = session_hash(user)
    request.portal_user = user  # type: ignore[attr-defined]


def portal_logout(request: HttpRequest) -> None:
    request.portal_session.flush()  # type: ignore[attr-defined]
    request.portal_user = None  # type: ignore[attr-defined]


class PortalSessionMiddleware:
    """Sets `request.portal_session` and `request.portal_user` for /portal/ URLs (else neither)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(COOKIE_PATH):
            return self.get_response(request)
        session = _store(request.COOKIES.get(COOKIE_NAME))
        request.portal_session = session  # type: ignore[attr-defined]
        user = portal_user_of(session)
        if user is None and session.get(USER_KEY) is not None:
            session.flush()  # blocked, archived or a new password: this session is over
        request.portal_user = user  # type: ignore[attr-defined]
        response = self.get_response(request)
        return self._save(request, session, response)

    def _save(self, request: HttpRequest, session: SessionBase, response: HttpResponse) -> HttpResponse:
        if COOKIE_NAME in request.COOKIES and session.is_empty():
            response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, samesite=SAMESITE)
            return response
        if not session.modified or session.is_empty() or response.status_code >= 500:
            return response
        try:
            session.save()
        except UpdateError:
            return response  # the session was flushed by a concurrent request: leave it ended
        age = session.get_expiry_age()
        response.set_cookie(
            COOKIE_NAME,
            str(session.session_key),
            max_age=age,
            expires=http_date(time.time() + age),
            path=COOKIE_PATH,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite=SAMESITE,
        )
        return response


def current_portal_user(request: HttpRequest) -> Any:
    return getattr(request, "portal_user", None)
