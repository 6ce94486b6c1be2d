"""Login throttling sees the client's address behind a proxy, and limits an address across user names."""

import time

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from kartoteka.accounts.throttle import client_ip, over_limit

PROXY = "10.0.0.1"


WRONG = "wrong"


def _login(client, username, password=WRONG, **meta):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **meta)


@pytest.mark.parametrize(
    ("proxy_count", "forwarded", "expected"),
    [
        (0, "203.0.113.7", PROXY),  # no proxy counted: the header is anyone's to forge
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the left part came from the client
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),  # two proxies in front
        (2, "203.0.113.7", PROXY),  # fewer entries than proxies: not set by ours
        (1, "", PROXY),
    ],
)
def test_client_address_comes_from_the_trusted_end_of_x_forwarded_for(settings, proxy_count, forwarded, expected):
    settings.PROXY_COUNT = proxy_count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_with_default_settings_a_changing_x_forwarded_for_does_not_escape_the_lockout(client, employee, settings):
    settings.BEHIND_PROXY = True  # as with HTTPS=true; PROXY_COUNT keeps its default
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "employee1", REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    forged = {"REMOTE_ADDR": "203.0.113.66", "HTTP_X_FORWARDED_FOR": "192.0.2.250"}
    assert _login(client, "employee1", "Secret-pass-123", **forged).status_code == 429


def test_proxy_count_defaults_to_zero_whatever_https_says():
    from config import settings as project_settings

    assert project_settings.PROXY_COUNT == 0


def test_behind_a_proxy_failed_logins_are_counted_per_client_not_per_proxy(client, employee, settings):
    settings.PROXY_COUNT = 1
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    colleague = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.5"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "employee1", **attacker)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}
    assert _login(client, "employee1", "Secret-pass-123", **attacker).status_code == 429
    # The same user from another client behind the same proxy is not locked out.
    assert _login(client, "employee1", "Secret-pass-123", **colleague).status_code == 302


def test_one_address_trying_many_user_names_is_locked_out(client, employee, settings):
    settings.KARTOTEKA_LOGIN_ADDRESS_FAILURE_LIMIT = 6
    for n in range(5):  # one failure each: never the per-user limit
        assert _login(client, f"guess{n}", REMOTE_ADDR="203.0.113.9").status_code == 200
    assert _login(client, "guess5", REMOTE_ADDR="203.0.113.9").status_code == 429  # the sixth locks
    locked = _login(client, "employee1", "Secret-pass-123", REMOTE_ADDR="203.0.113.9")
    assert locked.status_code == 429
    assert _login(client, "employee1", "Secret-pass-123", REMOTE_ADDR="198.51.100.5").status_code == 302


def test_the_reset_window_lasts_its_full_length_with_the_file_cache(settings, tmp_path, monkeypatch):
    """FileBasedCache (the default cache) resets the expiry on `incr`; the window must not shrink."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}
    }
    start = time.time()
    assert [over_limit("t", "a@example.pl", limit=2, window_seconds=3600) for _ in range(3)] == [False, False, True]
    monkeypatch.setattr(time, "time", lambda: start + 1800)  # well past the cache's default 300 s
    assert over_limit("t", "a@example.pl", limit=2, window_seconds=3600)
    monkeypatch.setattr(time, "time", lambda: start + 3601)  # the hour is over: counting starts again
    assert not over_limit("t", "a@example.pl", limit=2, window_seconds=3600)
