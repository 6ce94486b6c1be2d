"""Staff change their password, or reset a forgotten one by e-mail: a real SMTP server receives it."""

import re

import pytest
from django.db import transaction
from django.test import TestCase
from django.urls import reverse

from kartoteka.accounts.models import User
from kartoteka.audit.models import AuditEvent
from kartoteka.core.tests.smtp import body_text, smtp_inbox

NEW_PASSWORD = "Nowe-haslo-2026!"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def inbox(settings):
    """An SMTP server on loopback, Django's SMTP backend pointed at it, and the mail task run at once."""
    yield from smtp_inbox(settings)


@pytest.fixture
def staff(employee):
    employee.email = "employee1@example.pl"
    employee.save(update_fields=["email"])
    return employee


def _without_csrf(page: str) -> str:
    return re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', r"\1", page)


def _ask_for_reset(client, address, **meta):
    """Post the form, and commit: the mail task is enqueued on commit (run at once here)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("accounts:password_reset"), {"email": address}, **meta)


def test_forgotten_password_is_reset_through_the_link_in_a_real_email(client, staff, inbox):
    response = _ask_for_reset(client, "Employee1@Example.pl")
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "employee1@example.pl"
    assert "new password" in message["Subject"]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", body_text(message))
    assert link is not None

    form_page = client.get(link.group(1), follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.url == reverse("accounts:password_reset_complete")

    reset = AuditEvent.objects.get(event_type="accounts.user.password_reset")
    assert (reset.actor, reset.details["user"]) == (staff, "employee1")
    logged_in = client.post(reverse("accounts:login"), {"username": "employee1", "password": NEW_PASSWORD})
    assert logged_in.url == reverse("clients:list")
    client.post(reverse("accounts:logout"))
    reused = client.get(link.group(1), follow=True)
    assert not reused.context["validlink"]  # the link works once


def test_unknown_address_gets_the_same_answer_and_no_mail(client, staff, inbox):
    known = _ask_for_reset(client, "employee1@example.pl")
    unknown = _ask_for_reset(client, "nobody@example.pl")
    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    page_known = _without_csrf(client.get(known.url).content.decode())
    page_unknown = _without_csrf(client.get(unknown.url).content.decode())
    assert page_known == page_unknown
    assert [m["To"] for m in inbox.messages] == ["employee1@example.pl"]


def test_repeated_requests_for_one_address_stop_sending_but_answer_the_same(client, staff, inbox, settings):
    settings.KARTOTEKA_PASSWORD_RESET_PER_EMAIL = 2
    answers = [_ask_for_reset(client, "employee1@example.pl") for _ in range(4)]
    assert {(a.status_code, a.url) for a in answers} == {(302, reverse("accounts:password_reset_done"))}
    assert len(inbox.messages) == 2


def test_many_requests_from_one_address_are_refused(client, staff, inbox, settings):
    settings.KARTOTEKA_PASSWORD_RESET_PER_IP = 3
    answers = [_ask_for_reset(client, f"someone{n}@example.pl") for n in range(3)]
    assert all(a.status_code == 302 for a in answers)
    refused = _ask_for_reset(client, "employee1@example.pl")
    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()
    assert inbox.messages == []
    other_address = _ask_for_reset(client, "employee1@example.pl", REMOTE_ADDR="10.9.8.7")
    assert other_address.status_code == 302
    assert len(inbox.messages) == 1


def test_the_request_sends_nothing_itself_whether_or_not_the_address_is_known(client, staff, inbox, settings):
    """Without a worker (the database task backend), nothing reaches SMTP during the request."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    from kartoteka.accounts.tasks import password_reset_mail_task

    with TestCase.captureOnCommitCallbacks(execute=True):
        known = client.post(reverse("accounts:password_reset"), {"email": "employee1@example.pl"})
        unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.pl"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert inbox.messages == []
    enqueued = password_reset_mail_task.get_backend().results  # type: ignore[attr-defined]  # DummyBackend
    assert [r.kwargs["email"] for r in enqueued] == ["employee1@example.pl", "nobody@example.pl"]
    enqueued[0].task.call(**enqueued[0].kwargs)  # what the worker does
    assert [m["To"] for m in inbox.messages] == ["employee1@example.pl"]


@pytest.mark.django_db(transaction=True)
def test_a_reset_request_whose_transaction_rolls_back_sends_nothing(client, staff, inbox):
    url, data = reverse("accounts:password_reset"), {"email": "employee1@example.pl"}
    with transaction.atomic():
        assert client.post(url, data).status_code == 302
        transaction.set_rollback(True)
    assert inbox.messages == []
    assert client.post(url, data).status_code == 302  # committed (autocommit): sent
    assert len(inbox.messages) == 1


def test_staff_change_their_own_password(client, staff):
    client.force_login(staff)
    page = client.get(reverse("accounts:password_change"))
    assert 'name="old_password"' in page.content.decode()
    wrong = client.post(
        reverse("accounts:password_change"),
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["old_password"]
    assert not AuditEvent.objects.filter(event_type="accounts.user.password_changed").exists()
    done = client.post(
        reverse("accounts:password_change"),
        {"old_password": "Secret-pass-123", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.url == reverse("accounts:password_change_done")
    assert User.objects.get(pk=staff.pk).check_password(NEW_PASSWORD)
    changed = AuditEvent.objects.get(event_type="accounts.user.password_changed")
    assert (changed.actor, changed.details["user"]) == (staff, "employee1")
    assert client.get(reverse("clients:list")).status_code == 200  # still logged in


def test_login_page_links_to_the_forgotten_password_form(client):
    assert reverse("accounts:password_reset") in client.get(reverse("accounts:login")).content.decode()
