"""Writing messages: queueing them (a bulk action's chunk, a business card) and sending the outbox.

Queueing happens in the caller's transaction and only writes rows; the worker sends them after
the commit (`outbox_task`, registered with on_commit, so a rolled-back request sends nothing).

Sending (`outbox_send_due`) claims due rows in a short transaction (queued -> sending, attempts
+ 1, a claim token), sends them over one SMTP connection per batch, and records each message's
outcome right after the server answered for it:
- accepted: sent;
- a temporary failure (a 4xx answer, a refused or lost connection): queued again with
  exponential back-off (KARTOTEKA_MESSAGE_RETRY_BASE * 2^(attempts-1) seconds, at most
  KARTOTEKA_MESSAGE_RETRY_MAX), or failed after KARTOTEKA_MESSAGE_MAX_ATTEMPTS attempts;
- a permanent failure (a 5xx answer, a message that cannot be built): failed, with the error.
A row left `sending` by a worker that died is queued again by the worker's sweep after
KARTOTEKA_MESSAGE_STALE_AFTER seconds: delivery is at least once (docs/decisions.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kartoteka.audit.services import audit_record
from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor, user_of
from kartoteka.core.cleaning import clean_fields
from kartoteka.core.errors import ValidationError
from kartoteka.core.permissions import require_perm
from kartoteka.exports.vcard import card_from_client, vcard
from kartoteka.messaging import templating, validation
from kartoteka.messaging.models import SUBJECT_MAX, Message
from kartoteka.messaging.variables import client_fields, context_of

logger = logging.getLogger(__name__)

INSERT_BATCH = 1000
SEND_BATCH = 100  # messages per claim and per SMTP connection
VCARD_TYPE = "text/vcard"


# --- templates ------------------------------------------------------------------------------


def message_templates_clean(data: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) templates, checked; ValidationError with the line for a bad one."""
    cleaned = clean_fields(
        {"subject": data.get("subject"), "body": data.get("body")},
        {"subject": validation.clean_subject_template, "body": validation.clean_body_template},
    )
    return cleaned["subject"], cleaned["body"]


def render_for(row: dict[str, Any], subject: Any, body: Any) -> tuple[str, str]:
    """One client's (subject, body) from compiled templates; the subject one line, at most 255 characters."""
    context = context_of(row)
    return templating.one_line(templating.render(subject, context))[:SUBJECT_MAX], templating.render(body, context)


def require_sender(*, actor: Actor) -> None:
    """Only those who may send bulk messages see their variables and previews."""
    require_perm(actor, "messaging.send_message")


def message_preview(*, actor: Actor, client: Client, subject: Any, body: Any) -> dict[str, Any]:
    """What `client` would receive (nothing is stored or sent)."""
    require_perm(actor, "messaging.send_message")
    subject_source, body_source = message_templates_clean({"subject": subject, "body": body})
    row = Client.objects.filter(pk=client.pk).values(*client_fields()).get()
    compiled = [templating.check_template(s, max_length=len(s)) for s in (subject_source, body_source)]
    try:
        rendered_subject, rendered_body = render_for(row, *compiled)
    except templating.TemplateProblem as exc:
        raise ValidationError({"body": [str(exc)]}) from exc
    return {"client": client, "recipient": client.email, "subject": rendered_subject, "body": rendered_body}


# --- queueing ------------------------------------------------------------------------------


def messages_queue(
    clients: QuerySet[Client], *, actor: Actor, subject: str, body: str, job_id: int | None, now: dt.datetime
) -> int:
    """One queued message per client (a bulk chunk, clients without an e-mail already skipped).

    One values() query for the chunk, the templates rendered in Python, one INSERT executed for
    INSERT_BATCH rows at a time (executemany: SQLite's bound-parameter limit would cut Django's
    bulk_create into batches of ~60 rows). Returns how many were queued.
    """
    compiled = [templating.check_template(s, max_length=len(s)) for s in (subject, body)]
    sender = user_of(actor)
    sender_id = sender.pk if sender is not None else None
    rows = clients.exclude(email="").order_by("id").values(*client_fields())
    batch: list[tuple[Any, ...]] = []
    count = 0
    for row in rows.iterator(chunk_size=2000):
        try:
            rendered_subject, rendered_body = render_for(row, *compiled)
        except templating.TemplateProblem as exc:  # checked templates render; this one client's values did not
            logger.warning("Message to client %s not rendered: %s", row["id"], exc)
            continue
        batch.append((row["id"], row["email"], rendered_subject, rendered_body, job_id, sender_id))
        if len(batch) >= INSERT_BATCH:
            count += _insert(batch, now)
            batch = []
    if batch:
        count += _insert(batch, now)
    if count:
        outbox_wake_on_commit()
    return count


_INSERT_COLUMNS = (
    "client_id", "recipient", "subject", "body", "job_id", "sent_by_id",
    "kind", "attachment_name", "attachment", "status", "attempts", "next_attempt_at", "claim", "last_error",
    "created_at",
)  # fmt: skip


def _insert(rows: list[tuple[Any, ...]], now: dt.datetime) -> int:
    """Insert queued bulk messages: one statement, executed for every row (executemany)."""
    table = Message._meta.db_table
    placeholders = ", ".join(["%s"] * len(_INSERT_COLUMNS))
    sql = f"INSERT INTO {table} ({', '.join(_INSERT_COLUMNS)}) VALUES ({placeholders})"  # noqa: S608
    stamp = Message._meta.get_field("created_at").get_db_prep_save(now, connection)
    fixed = (Message.Kind.MESSAGE.value, "", "", Message.Status.QUEUED.value, 0, stamp, "", "", stamp)
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*row, *fixed) for row in rows])
    return len(rows)


def vcard_send(
    *, actor: Actor, client: Client, recipient: Any, subject: Any, body: Any, version: Any = "3.0"
) -> Message:
    """Queue the client's business card (.vcf attached) to `recipient`; logged on the client."""
    require_perm(actor, "messaging.send_vcard")
    cleaned = clean_fields(
        {"recipient": recipient, "subject": subject, "body": body, "version": version},
        {
            "recipient": validation.clean_recipient,
            "subject": validation.clean_subject,
            "body": validation.clean_body,
            "version": validation.clean_vcard_version,
        },
    )
    card = vcard(card_from_client(client), version=cleaned["version"])
    now = timezone.now()
    with transaction.atomic(durable=True):
        message = Message.objects.create(
            client=client, kind=Message.Kind.VCARD, recipient=cleaned["recipient"],
            subject=templating.one_line(cleaned["subject"]), body=cleaned["body"],
            attachment_name=vcard_file_name(client), attachment=card, next_attempt_at=now, created_at=now,
            sent_by=user_of(actor),
        )  # fmt: skip
        audit_record(
            actor=actor,
            event_type="messaging.vcard.queued",
            client=client,
            details={"message_id": message.pk, "recipient": message.recipient, "subject": message.subject},
        )
        outbox_wake_on_commit()
    return message


def vcard_file_name(client: Client) -> str:
    return f"{slugify(client.display_name) or 'client'}-{client.pk}.vcf"


def vcard_defaults(client: Client) -> dict[str, str]:
    """The business-card form's starting values."""
    name = client.display_name
    return {
        "recipient": "",
        "subject": _("Business card: %(name)s") % {"name": name},
        "body": _("Hello,\n\nattached is the business card of %(name)s.\n\nKind regards") % {"name": name},
    }


def outbox_wake_on_commit() -> None:
    """Have the worker send the outbox once the current transaction commits (at once outside one)."""
    from kartoteka.messaging.tasks import outbox_task

    transaction.on_commit(lambda: outbox_task.enqueue())


# --- sending -------------------------------------------------------------------------------


def outbox_send_due(*, batch: int = SEND_BATCH, limit: int | None = None) -> dict[str, int]:
    """Send every due queued message (the worker's task); returns counts per outcome."""
    done = {"sent": 0, "retry": 0, "failed": 0}
    while limit is None or sum(done.values()) < limit:
        claimed = _claim(batch if limit is None else min(batch, limit - sum(done.values())))
        if not claimed:
            break
        for outcome, n in _send_claimed(claimed).items():
            done[outcome] += n
    return done


def _claim(size: int) -> list[Message]:
    """Up to `size` due messages, moved to `sending` under a token of ours (another worker skips them)."""
    token, now = secrets.token_hex(16), timezone.now()
    with transaction.atomic():
        ids = list(
            Message.objects.filter(status=Message.Status.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:size]
        )
        if not ids:
            return []
        Message.objects.filter(id__in=ids, status=Message.Status.QUEUED).update(
            status=Message.Status.SENDING, claim=token, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(Message.objects.filter(claim=token, status=Message.Status.SENDING).order_by("id"))


def _email(message: Message) -> EmailMessage:
    email = EmailMessage(subject=message.subject, body=message.body, to=[message.recipient])
    if message.attachment:
        email.attach(message.attachment_name or "card.vcf", message.attachment, VCARD_TYPE)
    return email


def _send_claimed(claimed: list[Message]) -> dict[str, int]:
    """Send claimed messages over one connection; each outcome is recorded as soon as it is known."""
    done = {"sent": 0, "retry": 0, "failed": 0}
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as exc:
        for message in claimed:
            done[_record_failure(message, exc)] += 1
        return done
    try:
        for message in claimed:
            try:
                if not connection.send_messages([_email(message)]):
                    raise smtplib.SMTPServerDisconnected(_("No connection to the mail server."))
            except Exception as exc:
                done[_record_failure(message, exc)] += 1
                if isinstance(exc, smtplib.SMTPServerDisconnected | OSError):
                    _reopen(connection)
                continue
            Message.objects.filter(pk=message.pk, claim=message.claim, status=Message.Status.SENDING).update(
                status=Message.Status.SENT, sent_at=timezone.now(), last_error=""
            )
            done["sent"] += 1
    finally:
        try:
            connection.close()
        except Exception:
            logger.info("Closing the SMTP connection failed", exc_info=True)
    return done


def _reopen(connection: Any) -> None:
    try:
        connection.close()
    except Exception:
        logger.info("Closing a broken SMTP connection failed", exc_info=True)
    try:
        connection.open()
    except Exception:
        logger.info("Reopening the SMTP connection failed", exc_info=True)


def classify(exc: BaseException) -> tuple[bool, str]:
    """(permanent?, the error as the user sees it). 5xx answers are permanent; 4xx, lost or refused
    connections are temporary; a message that cannot even be built (a bad header) is permanent."""
    code: int | None = None
    text = ""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = list(exc.recipients.values())
        if answers:
            code, raw = answers[0]
            text = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
    elif isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        answer: bytes | str = exc.smtp_error
        text = answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)
    if code is not None:
        return 500 <= code < 600, f"{code} {text}".strip()
    if isinstance(exc, smtplib.SMTPException | OSError):
        return False, f"{type(exc).__name__}: {exc}".strip(": ")
    return True, f"{type(exc).__name__}: {exc}".strip(": ")


def retry_delay(attempts: int) -> dt.timedelta:
    base = settings.KARTOTEKA_MESSAGE_RETRY_BASE
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), settings.KARTOTEKA_MESSAGE_RETRY_MAX))


def _record_failure(message: Message, exc: BaseException) -> str:
    permanent, error = classify(exc)
    mine = Message.objects.filter(pk=message.pk, claim=message.claim, status=Message.Status.SENDING)
    if permanent or message.attempts >= settings.KARTOTEKA_MESSAGE_MAX_ATTEMPTS:
        mine.update(status=Message.Status.FAILED, last_error=error[:2000])
        return "failed"
    mine.update(
        status=Message.Status.QUEUED,
        last_error=error[:2000],
        next_attempt_at=timezone.now() + retry_delay(message.attempts),
    )
    return "retry"


def outbox_maintain(now: dt.datetime | None = None) -> dict[str, int]:
    """The worker's sweep: queue again what a dead sender left `sending`; wake the outbox if due."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.KARTOTEKA_MESSAGE_STALE_AFTER)
    interrupted = Message.objects.filter(status=Message.Status.SENDING, claimed_at__lt=stale)
    error = _("The sender stopped while sending this message; it is sent again (it may arrive twice).")
    given_up = interrupted.filter(attempts__gte=settings.KARTOTEKA_MESSAGE_MAX_ATTEMPTS).update(
        status=Message.Status.FAILED,
        last_error=_("The sender stopped while sending this message, at its last attempt; it may not have arrived."),
    )
    requeued = interrupted.update(status=Message.Status.QUEUED, last_error=error, next_attempt_at=now)
    due = Message.objects.filter(status=Message.Status.QUEUED, next_attempt_at__lte=now).exists()
    if due:
        from kartoteka.messaging.tasks import outbox_task

        outbox_task.enqueue()
    return {"requeued": requeued, "given_up": given_up, "woken": int(due)}
