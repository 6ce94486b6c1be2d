"""The Korespondencja page's first page and its client filter walk one index in order (no sort
step, no scan of the table), whatever the number of mail items (docs/performance.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.mailroom.tests.factories import MailItemFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan; PostgreSQL's is in docs/performance.md"),
]


def _plan(employee_client, url: str) -> str:
    with CaptureQueriesContext(connection) as queries:
        assert employee_client.get(url).status_code == 200
    page = next(q["sql"] for q in queries.captured_queries if "mailroom_mailitem" in q["sql"] and "LIMIT" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {page}")
        return " | ".join(str(row[-1]) for row in cursor.fetchall())


def test_the_first_page_walks_the_received_index(employee_client):
    MailItemFactory()
    plan = _plan(employee_client, reverse("mailroom:list"))
    assert "USING INDEX mailroom_mail_received_idx" in plan
    assert "TEMP B-TREE" not in plan


def test_the_client_filter_walks_the_clients_index(employee_client):
    client = ClientFactory()
    MailItemFactory(client=client)
    plan = _plan(employee_client, reverse("mailroom:list") + f"?client={client.pk}")
    assert "USING INDEX mailroom_mail_client_idx (client_id=?)" in plan
    assert "TEMP B-TREE" not in plan
