"""One-time, expiring links for portal users: the invitation and the password reset.

Django's token generator pattern: the token hashes the user's id, password hash, last login,
e-mail and the time it was made, so setting a password (or logging in) makes every earlier link
invalid — each link works once. Each kind has its own salt (a reset token is not an invitation)
and its own lifetime (KARTOTEKA_PORTAL_INVITE_HOURS, PASSWORD_RESET_TIMEOUT).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class PortalTokenGenerator(PasswordResetTokenGenerator):
    def __init__(self, *, salt: str, timeout_setting: str, scale: int = 1) -> None:
        super().__init__()
        self.key_salt = salt
        self._timeout_setting = timeout_setting
        self._scale = scale

    @property
    def timeout_seconds(self) -> int:
        return int(getattr(settings, self._timeout_setting)) * self._scale

    def check_token(self, user: Any, token: str | None) -> bool:
        """Django's check with this kind's own lifetime instead of PASSWORD_RESET_TIMEOUT."""
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        secrets = [self.secret, *self.secret_fallbacks]
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token) for secret in secrets
        ):
            return False
        return (self._num_seconds(self._now()) - ts) <= self.timeout_seconds


invitation_tokens = PortalTokenGenerator(
    salt="kartoteka.portal.invitation", timeout_setting="KARTOTEKA_PORTAL_INVITE_HOURS", scale=60 * 60
)
reset_tokens = PortalTokenGenerator(salt="kartoteka.portal.reset", timeout_setting="PASSWORD_RESET_TIMEOUT")
