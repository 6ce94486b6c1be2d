"""The demo messages: a newsletter (one refused) and business cards, set-based, in the History."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kartoteka.audit.models import AuditEvent
from kartoteka.clients import demo
from kartoteka.messaging.demo import seed_messages
from kartoteka.messaging.models import Message

pytestmark = pytest.mark.django_db


def test_a_newsletter_and_cards_for_some_demo_clients_in_a_few_statements():
    ids = demo.load_clients(count=2000, seed=3, sets=1)
    with CaptureQueriesContext(connection) as queries:
        line = seed_messages(rng=random.Random(1), client_ids=ids)  # noqa: S311 - demo data
    newsletter = Message.objects.filter(kind="message")
    assert 50 < newsletter.count() <= 100
    assert newsletter.filter(status="failed").count() == 1
    assert Message.objects.filter(kind="vcard", status="sent").count() == 2
    assert "Demo messages" in line
    event = AuditEvent.objects.get(event_type="messaging.message.queued")
    assert event.targets.count() == newsletter.count()
    assert len(queries) < 15
