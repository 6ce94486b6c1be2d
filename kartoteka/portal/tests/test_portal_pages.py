"""What a portal user sees: only their own client — its data, cases, mail and scans, notification
settings; every portal URL with another client's ids is a 404 (routes read from the URL conf)."""

import re
from typing import Any

import pytest
from django.urls import URLPattern, get_resolver, reverse

from kartoteka.audit.models import AuditEvent
from kartoteka.cases.tests.factories import CaseFactory
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.mailroom.tests.factories import MailItemFactory
from kartoteka.mailroom.tests.files import png_bytes
from kartoteka.portal.models import NotificationPreference, PortalSettings
from kartoteka.portal.tests.factories import PortalUserFactory, portal_logged_in


@pytest.fixture
def scans(settings, tmp_path):
    settings.KARTOTEKA_MAIL_SCAN_DIR = tmp_path
    for name in ("own-scan", "other-scan"):
        (tmp_path / name).write_bytes(png_bytes())
    return tmp_path


@pytest.fixture
def world(db, scans):
    """A portal user of one client, and the same kinds of rows of another client."""
    own, other = ClientFactory(company_name="Własna sp. z o.o."), ClientFactory(company_name="Obca sp. z o.o.")
    rows = {}
    for client, key in ((own, "own"), (other, "other")):
        rows[key] = {
            "case_id": CaseFactory(client=client, title=f"Sprawa {key}", description=f"Notatka wewnętrzna {key}").pk,
            "mail_id": MailItemFactory(
                client=client, sender=f"Nadawca {key}", note=f"Uwaga biura {key}", status="scanned",
                scan_file=f"{key}-scan", scan_name="skan.png", scan_type="image/png",
            ).pk,
        }  # fmt: skip
    user = PortalUserFactory(client=own)
    return {"user": user, "http": portal_logged_in(user), **rows}


def _portal_routes_with_ids() -> list[tuple[str, list[str]]]:
    resolver = get_resolver()
    portal: Any = next(p for p in resolver.url_patterns if getattr(p, "namespace", None) == "portal")
    found = []
    for pattern in portal.url_patterns:
        assert isinstance(pattern, URLPattern)
        params = re.findall(r"<int:(\w+)>", str(pattern.pattern))
        if params:
            found.append((f"portal:{pattern.name}", params))
    return found


PORTAL_ID_ROUTES = _portal_routes_with_ids()


def test_the_portal_has_routes_with_ids():
    assert {name for name, _ in PORTAL_ID_ROUTES} >= {"portal:case", "portal:mail_scan"}


@pytest.mark.parametrize(("name", "params"), PORTAL_ID_ROUTES, ids=[n for n, _ in PORTAL_ID_ROUTES])
def test_another_clients_ids_are_404_in_every_portal_url(world, name, params):
    for param in params:
        assert param in world["other"], f"{name}: no object of another client for <{param}>; add one to `world`"
    own = world["http"].get(reverse(name, kwargs={p: world["own"][p] for p in params}))
    assert own.status_code == 200
    other = world["http"].get(reverse(name, kwargs={p: world["other"][p] for p in params}))
    assert other.status_code == 404
    assert b"Obca" not in other.content
    assert b"other" not in other.content


def test_lists_show_only_the_own_client_and_no_internal_notes(world):
    http = world["http"]
    home = http.get(reverse("portal:home")).content.decode()
    assert "Własna sp. z o.o." in home
    assert "Obca" not in home
    cases = http.get(reverse("portal:cases")).content.decode()
    assert "Sprawa own" in cases
    assert "Sprawa other" not in cases
    case = http.get(reverse("portal:case", args=[world["own"]["case_id"]])).content.decode()
    assert "Sprawa own" in case
    assert "Notatka wewnętrzna" not in case
    mail = http.get(reverse("portal:mail")).content.decode()
    assert "Nadawca own" in mail
    assert "Nadawca other" not in mail
    assert "Uwaga biura" not in mail


def test_scan_download(world):
    response = world["http"].get(reverse("portal:mail_scan", args=[world["own"]["mail_id"]]))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == png_bytes()


def test_contact_details_only_when_the_business_allows(world):
    http, user = world["http"], world["user"]
    assert http.get(reverse("portal:details")).status_code == 403
    assert "contact the office" in http.get(reverse("portal:home")).content.decode()
    PortalSettings.objects.create(clients_may_edit_contact=True)
    page = http.get(reverse("portal:details"))
    assert page.status_code == 200
    version = user.client.version
    bad = http.post(reverse("portal:details"), {"email": "zły", "phone": "", "version": version})
    assert "valid e-mail address" in bad.content.decode()
    data = {"email": "nowy@example.pl", "phone": "600 123 456", "city": "Gdańsk", "country": "PL", "version": version}
    assert http.post(reverse("portal:details"), data).status_code == 302
    user.client.refresh_from_db()
    assert (user.client.email, user.client.phone, user.client.city) == ("nowy@example.pl", "+48600123456", "Gdańsk")
    event = AuditEvent.objects.filter(client=user.client, event_type="clients.client.updated").get()
    assert event.details["system_actor"] == f"portal:{user.email}"
    stale = http.post(reverse("portal:details"), {**data, "city": "Sopot"})  # the old version
    assert "changed your details meanwhile" in stale.content.decode()


def test_notification_settings_are_stored(world):
    http, user = world["http"], world["user"]
    page = http.get(reverse("portal:notifications")).content.decode()
    assert "New mail received for us" in page
    saved = http.post(reverse("portal:notifications"), {"mail": "sms", "cases": "none", "news": "email"})
    assert saved.status_code == 302
    assert dict(user.notification_preferences.values_list("topic", "channel")) == {
        "mail": "sms", "cases": "none", "news": "email"
    }  # fmt: skip
    bad = http.post(reverse("portal:notifications"), {"mail": "pigeon", "cases": "none", "news": "email"})
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.content.decode()
    assert NotificationPreference.objects.get(portal_user=user, topic="mail").channel == "sms"
