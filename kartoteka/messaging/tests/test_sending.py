"""The worker's outbox: temporary SMTP failures are retried with back-off, permanent ones fail with
the server's answer, a dead sender's messages are sent again, and one connection carries a batch."""

import datetime as dt

import pytest
from django.utils import timezone

from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.jobs.services import jobs_maintain
from kartoteka.messaging.models import Message
from kartoteka.messaging.services import outbox_send_due, retry_delay

pytestmark = pytest.mark.django_db


def _queue(*clients, subject="Wiadomość", body="Treść ąę"):
    now = timezone.now()
    return [
        Message.objects.create(
            client=c, recipient=c.email, subject=subject, body=body, next_attempt_at=now, created_at=now
        )
        for c in clients
    ]


def _due_now():
    Message.objects.filter(status="queued").update(next_attempt_at=timezone.now())


def test_a_4xx_answer_is_retried_with_back_off_until_the_server_accepts(scripted, settings):
    settings.KARTOTEKA_MESSAGE_RETRY_BASE = 60
    box = scripted("451 4.3.0 Mailbox busy, try later", "421 4.7.0 Too many connections")
    (message,) = _queue(ClientFactory(email="retry@example.pl"))
    before = timezone.now()
    assert outbox_send_due() == {"sent": 0, "retry": 1, "failed": 0}
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert message.last_error.startswith("451 4.3.0 Mailbox busy")
    assert before + dt.timedelta(seconds=59) < message.next_attempt_at < before + dt.timedelta(seconds=62)
    assert outbox_send_due() == {"sent": 0, "retry": 0, "failed": 0}  # not due yet
    _due_now()
    outbox_send_due()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 2)
    assert message.next_attempt_at > timezone.now() + dt.timedelta(seconds=115)  # doubled: 120 s
    _due_now()
    assert outbox_send_due() == {"sent": 1, "retry": 0, "failed": 0}
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 3, "")
    assert message.sent_at is not None
    assert [m["To"] for m in box.messages] == ["retry@example.pl"]
    assert box.refused == 2


def test_a_5xx_answer_fails_at_once_with_the_servers_words(scripted):
    box = scripted("550 5.1.1 No such user here")
    failing, _fine = _queue(ClientFactory(email="nobody@example.pl"), ClientFactory(email="ok@example.pl"))
    assert outbox_send_due() == {"sent": 1, "retry": 0, "failed": 1}
    failing.refresh_from_db()
    assert (failing.status, failing.attempts) == ("failed", 1)
    assert failing.last_error == "550 5.1.1 No such user here"
    assert [m["To"] for m in box.messages] == ["ok@example.pl"]  # the same connection went on


def test_after_the_last_attempt_a_temporary_failure_is_final(scripted, settings):
    settings.KARTOTEKA_MESSAGE_MAX_ATTEMPTS = 2
    scripted("451 busy", "451 still busy", "451 and again")
    (message,) = _queue(ClientFactory())
    outbox_send_due()
    _due_now()
    outbox_send_due()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("failed", 2, "451 still busy")


def test_no_server_listening_is_a_temporary_failure(settings, inbox):
    from kartoteka.core.tests.smtp import free_port

    settings.EMAIL_PORT = free_port()  # nobody listens there
    (message,) = _queue(ClientFactory())
    assert outbox_send_due() == {"sent": 0, "retry": 1, "failed": 0}
    message.refresh_from_db()
    assert message.status == "queued"
    assert "Connection" in message.last_error


def test_the_back_off_doubles_and_is_capped(settings):
    settings.KARTOTEKA_MESSAGE_RETRY_BASE, settings.KARTOTEKA_MESSAGE_RETRY_MAX = 60, 600
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 5, 9)] == [60, 120, 240, 480, 600, 600]


def test_a_message_left_sending_by_a_dead_worker_is_sent_again_by_the_sweep(inbox, settings):
    settings.KARTOTEKA_MESSAGE_STALE_AFTER = 600
    stuck, recent = _queue(ClientFactory(email="stuck@example.pl"), ClientFactory(email="recent@example.pl"))
    long_ago = timezone.now() - dt.timedelta(minutes=11)
    Message.objects.filter(pk=stuck.pk).update(status="sending", claim="dead", claimed_at=long_ago, attempts=1)
    Message.objects.filter(pk=recent.pk).update(status="sending", claim="alive", claimed_at=timezone.now(), attempts=1)
    assert outbox_send_due()["sent"] == 0  # neither is queued: no second sender takes them
    done = jobs_maintain()  # the worker's sweep (the task it enqueues runs at once here)
    assert done["messages.requeued"] == 1
    assert done["messages.woken"] == 1
    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert (stuck.status, stuck.attempts) == ("sent", 2)
    assert stuck.last_error == ""  # sent: the interruption is behind it
    assert recent.status == "sending"  # still being sent by a live worker
    assert [m["To"] for m in inbox.messages] == ["stuck@example.pl"]


def test_a_batch_goes_over_one_connection(inbox, monkeypatch):
    from django.core.mail.backends.smtp import EmailBackend

    opened = []
    original = EmailBackend.open

    def counting_open(self):
        if self.connection is None:  # a new SMTP connection, not the check that one is open
            opened.append(1)
        return original(self)

    monkeypatch.setattr(EmailBackend, "open", counting_open)
    _queue(*ClientFactory.create_batch(30))
    assert outbox_send_due() == {"sent": 30, "retry": 0, "failed": 0}
    assert len(inbox.messages) == 30
    assert len(opened) == 1


def test_the_local_default_writes_eml_files_with_polish_letters(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    _queue(ClientFactory(email="plik@example.pl"), subject="Zażółć gęślą jaźń", body="Łódź")
    assert outbox_send_due()["sent"] == 1
    (written,) = tmp_path.iterdir()
    raw = written.read_text()
    assert "plik@example.pl" in raw
    assert "=?utf-8?" in raw.lower()
