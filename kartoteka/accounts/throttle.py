"""Who is knocking, and how often: the client's address behind a proxy, login and reset limits.

Login throttling is django-axes (by user name and address, `AXES_FAILURE_LIMIT`); this module
adds what axes cannot express with one limit: failures from one address across every user name
(`KARTOTEKA_LOGIN_ADDRESS_FAILURE_LIMIT`, higher, since an office shares one address), and the
counters of the password-reset form (in Django's cache).
"""

from __future__ import annotations

import hashlib
import math
import time
from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone


def client_ip(request: HttpRequest) -> str:
    """The address of the client, not of the proxy in front of Kartoteka.

    Each of the `PROXY_COUNT` trusted proxies appends the address it saw to X-Forwarded-For,
    so the client's is the PROXY_COUNT-th from the right; anything further left was written by
    the client and is not trusted. With PROXY_COUNT 0 (the default, deliberately not derived
    from HTTPS or BEHIND_PROXY) the header is ignored altogether: anyone could send it.
    """
    remote = str(request.META.get("REMOTE_ADDR") or "")
    count = int(settings.PROXY_COUNT)
    if count < 1:
        return remote
    forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote  # not set by our proxies: the connection's address is the best we have
    return forwarded[-count]


class AddressAwareHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """Axes' database handler, also locking an address after too many failures for any user names."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, object] | None = None) -> bool:
        return bool(super().is_locked(request, credentials)) or _address_locked(request)

    def user_login_failed(
        self, sender: object, credentials: dict[str, object], request: Any = None, **kwargs: Any
    ) -> None:
        """Record the failure (axes), then answer with the lockout page once the address is over its limit."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not getattr(request, "axes_locked_out", False) and _address_locked(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials


def _address_locked(request: HttpRequest) -> bool:
    return address_failures(client_ip(request)) >= int(settings.KARTOTEKA_LOGIN_ADDRESS_FAILURE_LIMIT)


def address_failures(ip_address: str) -> int:
    """Failed logins from one address within the cool-off time, summed over all user names."""
    since = timezone.now() - (get_cool_off() or timedelta(0))
    attempts = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since)
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


def over_limit(scope: str, key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one more request for `key` and say whether it goes beyond `limit` within the window.

    The window's end is kept in the value and every write is given the time left until it:
    `cache.incr` on the file and database caches is a get + `set` with the default timeout
    (5 minutes), which would shrink an hour's window to 5 minutes after the last request.
    The key is hashed: e-mail addresses typed into a public form are not kept in the cache.
    """
    name = _name(scope, key)
    now = time.time()
    stored = cache.get(name)
    count, window_end = stored if _is_window(stored, now) else (0, now + window_seconds)
    count += 1
    cache.set(name, (count, window_end), timeout=max(1, math.ceil(window_end - now)))
    return count > limit


def throttle_count(scope: str, key: str) -> int:
    """How many times `key` was counted by `over_limit` in its current window (reading counts nothing)."""
    stored = cache.get(_name(scope, key))
    return int(stored[0]) if _is_window(stored, time.time()) else 0


def throttle_reset(scope: str, key: str) -> None:
    cache.delete(_name(scope, key))


def _name(scope: str, key: str) -> str:
    digest = hashlib.sha256(key.strip().lower().encode()).hexdigest()
    return f"throttle:{scope}:{digest}"


def _is_window(stored: object, now: float) -> bool:
    return isinstance(stored, tuple) and len(stored) == 2 and stored[1] > now
