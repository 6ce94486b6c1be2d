"""Portal users: invitation by e-mail (a real SMTP server), the one-time expiring link, logging in
and out, and the wall between portal and staff sessions."""

import re
from datetime import datetime, timedelta

import pytest
from django.test import Client as HttpClient
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from kartoteka.audit.models import AuditEvent
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.core.errors import ApplicationError, PermissionDenied, ValidationError
from kartoteka.core.tests.smtp import body_text
from kartoteka.portal import services
from kartoteka.portal.models import PortalUser
from kartoteka.portal.tests.conftest import portal_login
from kartoteka.portal.tests.factories import PASSWORD, PortalUserFactory
from kartoteka.portal.tokens import invitation_tokens

NEW_PASSWORD = "Nowe-haslo-portalu-7!"


def _invite(actor, client, email, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.portal_user_invite(actor=actor, client=client, email=email, **kwargs)


def _link(message) -> str:
    found = re.search(r"http://127\.0\.0\.1:8000(/portal/invitation/\S+/)", body_text(message))
    assert found is not None, body_text(message)
    return found.group(1)


def _set_password(http, link, password=NEW_PASSWORD):
    page = http.get(link, follow=True)
    assert page.context["validlink"], "the link was refused"
    return http.post(page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})


@pytest.fixture(autouse=True)
def _site(settings):
    settings.KARTOTEKA_SITE_URL = "http://127.0.0.1:8000"


def test_invitation_mail_arrives_and_its_link_sets_the_password_once(db, employee, inbox):
    client = ClientFactory(first_name="Ewa", last_name="Lis")
    user = _invite(employee, client, " Ewa.Lis@Example.PL ", name="Ewa Lis")
    assert user.email == "ewa.lis@example.pl"
    assert not user.has_usable_password()
    assert not user.is_activated
    assert [m["To"] for m in inbox.messages] == ["ewa.lis@example.pl"]
    assert "set your password" in inbox.messages[0]["Subject"]
    link = _link(inbox.messages[0])

    http = HttpClient()
    done = _set_password(http, link)
    assert done.status_code == 302
    assert done.url == reverse("portal:login")
    user.refresh_from_db()
    assert user.is_activated
    assert user.check_password(NEW_PASSWORD)
    assert user.password.startswith("argon2")  # Django's configured hasher
    assert AuditEvent.objects.filter(event_type="portal.user.activated", client=client).exists()

    again = HttpClient().get(link, follow=True)
    assert not again.context["validlink"]  # the link worked once
    assert portal_login(HttpClient(), "ewa.lis@example.pl", NEW_PASSWORD).status_code == 302


def test_invitation_link_expires(db, employee, inbox, monkeypatch, settings):
    user = _invite(employee, ClientFactory(), "late@example.pl")
    link = _link(inbox.messages[0])
    # Django's token clock is naive local time.
    later = datetime.now() + timedelta(hours=settings.KARTOTEKA_PORTAL_INVITE_HOURS, minutes=1)  # noqa: DTZ005
    monkeypatch.setattr(invitation_tokens, "_now", lambda: later)
    page = HttpClient().get(link, follow=True)
    assert not page.context["validlink"]
    assert "has expired" in page.content.decode()
    user.refresh_from_db()
    assert not user.is_activated


def test_a_new_invitation_makes_the_earlier_link_invalid(db, employee, inbox):
    client = ClientFactory()
    _invite(employee, client, "twice@example.pl")
    _invite(employee, client, "twice@example.pl")
    assert PortalUser.objects.filter(email="twice@example.pl").count() == 1
    first, second = (_link(m) for m in inbox.messages)
    assert not HttpClient().get(first, follow=True).context["validlink"]
    assert _set_password(HttpClient(), second).status_code == 302


def test_invitation_refusals(db, employee, outsider, inbox):
    client, other = ClientFactory(), ClientFactory()
    PortalUserFactory(client=other, email="taken@example.pl")
    active = PortalUserFactory(client=client, email="active@example.pl")
    with pytest.raises(ValidationError) as bad:
        _invite(employee, client, "not-an-address")
    assert "email" in bad.value.error_dict
    with pytest.raises(services.AddressTaken, match="another client"):
        _invite(employee, client, "TAKEN@example.pl")
    with pytest.raises(services.PortalUserExists) as exists:
        _invite(employee, client, active.email)
    assert exists.value.user == active
    with pytest.raises(PermissionDenied):
        _invite(outsider, client, "new@example.pl")
    archived = ClientFactory(status="inactive", archived_at=timezone.now())
    with pytest.raises(ApplicationError):
        _invite(employee, archived, "new@example.pl")
    assert inbox.messages == []


def test_staff_invite_from_the_client_account_tab(employee_client, employee, inbox):
    client = ClientFactory()
    tab = employee_client.get(reverse("portal_staff:client_tab", args=[client.pk]))
    assert tab.status_code == 200
    assert "has no portal account" in tab.content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        sent = employee_client.post(reverse("portal_staff:invite", args=[client.pk]), {"email": "tab@example.pl"})
    assert sent.status_code == 302
    assert client.portal_users.get().email == "tab@example.pl"
    assert len(inbox.messages) == 1
    bad = employee_client.post(reverse("portal_staff:invite", args=[client.pk]), {"email": "x@"})
    assert bad.status_code == 422
    assert "valid e-mail address" in bad.content.decode()


def test_login_and_logout(portal_user):
    http = HttpClient()
    assert http.get(reverse("portal:home"))["Location"].startswith(reverse("portal:login"))
    wrong = portal_login(http, portal_user.email, "wrong-password")
    assert wrong.status_code == 200
    assert "Wrong e-mail address or password" in wrong.content.decode()
    unknown = portal_login(http, "nobody@example.pl", "wrong-password")
    assert "Wrong e-mail address or password" in unknown.content.decode()  # the same answer
    assert portal_login(http, portal_user.email.upper())["Location"] == reverse("portal:home")
    home = http.get(reverse("portal:home"))
    assert home.status_code == 200
    assert portal_user.client.email in home.content.decode()
    assert home["Cache-Control"].startswith("max-age=0")
    http.post(reverse("portal:logout"))
    assert http.get(reverse("portal:home")).status_code == 302


def test_login_is_throttled(portal_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    http = HttpClient()
    for _ in range(3):
        portal_login(http, portal_user.email, "wrong-password")
    locked = portal_login(http, portal_user.email)  # even the right password
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()
    assert http.get(reverse("portal:home")).status_code == 302


def test_the_portal_cookie_is_its_own_and_only_for_the_portal(portal_client):
    cookie = portal_client.cookies["kartoteka_portal"]
    assert cookie["path"] == "/portal/"
    assert cookie["httponly"]
    assert "sessionid" not in portal_client.cookies or not portal_client.cookies["sessionid"].value


def test_portal_user_cannot_reach_staff_pages_or_the_api(portal_client, portal_user):
    page = portal_client.get(reverse("clients:list"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:login"))
    detail = portal_client.get(reverse("clients:detail", args=[portal_user.client_id]))
    assert detail.status_code == 302
    assert detail["Location"].startswith(reverse("accounts:login"))
    assert portal_client.get("/api/clients").status_code == 401
    assert portal_client.get(f"/api/clients/{portal_user.client_id}").status_code == 401


def test_a_staff_session_is_no_portal_login(admin_client_, portal_user):
    response = admin_client_.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_portal_user_with_staff_like_password_cannot_log_in_to_staff(portal_user):
    http = HttpClient()
    response = http.post(reverse("accounts:login"), {"username": portal_user.email, "password": PASSWORD})
    assert response.status_code == 200  # the staff form again, not logged in
    assert http.get(reverse("clients:list")).status_code == 302


def test_password_reset_for_portal_users_without_enumeration(portal_user, inbox):
    http = HttpClient()
    with TestCase.captureOnCommitCallbacks(execute=True):
        known = http.post(reverse("portal:reset"), {"email": portal_user.email})
    with TestCase.captureOnCommitCallbacks(execute=True):
        unknown = http.post(reverse("portal:reset"), {"email": "nobody@example.pl"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m["To"] for m in inbox.messages] == [portal_user.email]
    link = re.search(r"http://127\.0\.0\.1:8000(/portal/password/reset/\S+/)", body_text(inbox.messages[0]))
    assert link is not None
    assert _set_password(http, link.group(1)).status_code == 302
    assert portal_login(HttpClient(), portal_user.email, NEW_PASSWORD).status_code == 302
    assert portal_login(HttpClient(), portal_user.email, PASSWORD).status_code == 200  # the old one is gone


def test_a_new_password_ends_other_sessions(portal_client, portal_user):
    portal_user.set_password("Another-password-99")
    portal_user.save()
    assert portal_client.get(reverse("portal:home")).status_code == 302
