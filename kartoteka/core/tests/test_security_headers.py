"""What every response tells browsers and caches, and who may read the files under var/."""

import os
import stat
import subprocess
import sys
from pathlib import Path

from django.conf import settings as django_settings
from django.urls import reverse

from kartoteka.api.tests.client import token_client
from kartoteka.clients.tests.factories import ClientFactory


def test_pages_of_a_logged_in_user_are_not_stored_by_any_cache(employee_client):
    client = ClientFactory()
    for url in (reverse("clients:list"), reverse("clients:detail", args=[client.id])):
        assert "no-store" in employee_client.get(url)["Cache-Control"]


def test_api_answers_are_not_stored_by_any_cache(employee):
    api = token_client(employee)
    assert "no-store" in api.get("/api/clients")["Cache-Control"]
    assert "no-store" in api.get("/api/no-such-endpoint")["Cache-Control"]
    assert "no-store" in api.get("/api/openapi.json")["Cache-Control"]


def test_every_page_carries_csp_with_base_uri_and_a_permissions_policy(client, employee_client):
    login = client.get(reverse("accounts:login"))
    page = employee_client.get(reverse("clients:list"))
    for response in (login, page):
        csp = response["Content-Security-Policy"]
        assert "base-uri 'none'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]


def test_session_lasts_as_long_as_the_setting_says(client, employee, settings):
    settings.SESSION_COOKIE_AGE = 3600
    client.post(reverse("accounts:login"), {"username": "employee1", "password": "Secret-pass-123"})
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 3600


_START_UP = """
import django
django.setup()
from django.core.mail import send_mail
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE probe (x integer)")
send_mail("Subject", "Body", "from@example.pl", ["to@example.pl"])
"""


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_var_directory_and_everything_created_in_it_are_private(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    var.chmod(0o755)
    old = var / "kartoteka.sqlite3.bak"
    old.write_text("made before the fix")
    old.chmod(0o644)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "EMAIL_URL", "SECRET_KEY")}
    env.update(KARTOTEKA_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="config.settings", SECRET_KEY="")
    start_up = [sys.executable, "-c", _START_UP]  # our own interpreter and code: nothing untrusted
    subprocess.run(start_up, env=env, check=True, cwd=django_settings.BASE_DIR, timeout=60)  # noqa: S603

    assert _mode(var) == 0o700
    files = [p for p in var.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"secret_key", "kartoteka.sqlite3", "kartoteka.sqlite3.bak"} <= names
    assert any(p.suffix == ".log" for p in (var / "mail").iterdir())  # the message the file backend wrote
    assert {p.name: oct(_mode(p)) for p in files} == {p.name: oct(0o600) for p in files}
    assert _mode(var / "mail") == 0o700
