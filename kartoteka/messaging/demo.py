"""Demo messages (`manage.py seed_demo`): a newsletter sent a week ago to a few of the demo clients
(most delivered, one refused by the server), and a business card or two. Set-based: one bulk
INSERT of the messages, one bulk History entry listing the newsletter's clients (INSERT ... SELECT).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from kartoteka.audit.services import audit_record_bulk
from kartoteka.clients.models import Client
from kartoteka.core.demo import register_demo
from kartoteka.exports.vcard import FIELDS as CARD_FIELDS
from kartoteka.exports.vcard import card_from_values, vcard
from kartoteka.messaging.models import Message

WITH_NEWSLETTER = 0.05  # share of the demo clients on the newsletter
MAX_NEWSLETTER = 300
SUBJECT = "Nowe godziny otwarcia biura"
BODY = (
    "Dzień dobry {name},\n\nod przyszłego miesiąca biuro jest czynne od 8:00 do 18:00, "
    "a w soboty od 9:00 do 13:00.\n\nZ pozdrowieniami\nZespół Kartoteki"
)


@register_demo("messages", order=400)
def seed_messages(*, rng: random.Random, client_ids: Sequence[int]) -> str:
    count = min(MAX_NEWSLETTER, int(len(client_ids) * WITH_NEWSLETTER))
    chosen = sorted(rng.sample(list(client_ids), count)) if count else []
    sent_at = timezone.now() - dt.timedelta(days=7)
    clients = Client.objects.filter(id__in=chosen, archived_at__isnull=True).exclude(email="").order_by("id")
    rows = list(clients.values(*CARD_FIELDS))  # one query: the newsletter's rows and the cards' values
    refused = {rows[0]["id"]} if rows else set()
    messages = [_newsletter(row, sent_at, row["id"] in refused) for row in rows]
    cards = [_card(row, sent_at + dt.timedelta(days=2)) for row in rows[:2]]
    Message.objects.bulk_create([*messages, *cards], batch_size=1000)
    if rows:
        audit_record_bulk(
            actor=None,
            event_type="messaging.message.queued",
            clients=Client.objects.filter(id__in=[row["id"] for row in rows]),
            details={"action": "send_message", "params": {"subject": SUBJECT}, "count": len(rows)},
        )
    return (
        f"Demo messages: a newsletter to {len(messages)} clients ({len(refused)} refused), {len(cards)} business cards."
    )


def _newsletter(row: dict[str, Any], when: dt.datetime, refused: bool) -> Message:
    name = f"{row['first_name']} {row['last_name']}".strip()
    return Message(
        client_id=row["id"],
        recipient=row["email"],
        subject=SUBJECT,
        body=BODY.format(name=name),
        status=Message.Status.FAILED if refused else Message.Status.SENT,
        attempts=1,
        last_error="550 5.1.1 Mailbox unavailable" if refused else "",
        next_attempt_at=when,
        created_at=when,
        sent_at=None if refused else when,
    )


def _card(row: dict[str, Any], when: dt.datetime) -> Message:
    card = card_from_values(row)
    return Message(
        client_id=row["id"],
        kind=Message.Kind.VCARD,
        recipient="partner@example.pl",
        subject=f"Wizytówka: {card.formatted_name}",
        body="Dzień dobry,\n\nw załączniku wizytówka.",
        attachment_name=f"client-{row['id']}.vcf",
        attachment=vcard(card),
        status=Message.Status.SENT,
        attempts=1,
        next_attempt_at=when,
        created_at=when,
        sent_at=when,
    )
