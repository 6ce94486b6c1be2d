"""Maintained counts (clients/counts.py, SQLite) must equal COUNT after every kind of write:
services, bulk operations' raw SQL, deletes, membership changes. PostgreSQL keeps none and counts
(migration 0009)."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kartoteka.clients import operations, services
from kartoteka.clients.counts import rebuild_counts, stored_count
from kartoteka.clients.filters import ClientFilter
from kartoteka.clients.models import Client, ClientCount
from kartoteka.clients.selectors import client_count
from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory, LabelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sqlite_counts():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps no maintained counts (migration 0009)")


@pytest.fixture
def world(sqlite_counts):
    groups, labels = [ClientGroupFactory() for _ in range(2)], [LabelFactory() for _ in range(2)]
    clients = [
        ClientFactory(groups=groups[: i % 3], labels=labels[i % 2 : i % 2 + 1], status=("active", "inactive")[i % 2])
        for i in range(8)
    ]
    return clients, groups, labels


def assert_exact(groups, labels):
    """Every list the table can answer, compared with COUNT."""
    scope = Client.objects.all()
    sets: list[dict[str, int]] = [{}] + [{"group": g.pk} for g in groups] + [{"label": lb.pk} for lb in labels]
    for where, status, archived in itertools.product(sets, ("active", "inactive", "all"), (False, True)):
        if archived and status == "active":
            continue
        f = ClientFilter(status=status, archived=archived, group=where.get("group"), label=where.get("label"))
        assert stored_count(scope, f) == f.apply(scope).count(), f
    # and nothing counted below zero or left over
    assert not ClientCount.objects.filter(n__lt=0).exists()
    total = ClientCount.objects.filter(kind="all").aggregate(t=Sum("n"))["t"] or 0
    assert total == Client.objects.count()


def test_counts_follow_services(world, manager):
    clients, groups, labels = world
    assert_exact(groups, labels)
    services.client_set_status(actor=manager, client=clients[0], status="inactive")
    assert_exact(groups, labels)
    services.client_archive(actor=manager, client=clients[1])
    services.client_archive(actor=manager, client=clients[2])
    assert_exact(groups, labels)
    services.client_restore(actor=manager, client=Client.objects.get(pk=clients[1].pk))
    assert_exact(groups, labels)
    data = {"first_name": "Nowy", "email": "nowy@example.pl"}
    created = services.client_create(actor=manager, data=data, groups=[groups[0].pk], labels=[labels[1].pk])
    assert_exact(groups, labels)
    fields = {name: getattr(created, name) for name in ("first_name", "email")}
    services.client_update(actor=manager, client=created, data=fields, groups=[groups[1].pk], labels=[])
    assert_exact(groups, labels)
    services.group_delete(actor=manager, group=groups[0])
    assert_exact(groups[1:], labels)


def test_counts_follow_bulk_operations_and_deletes(world):
    clients, groups, labels = world
    now = timezone.now()
    some = Client.objects.filter(pk__in=[c.pk for c in clients[:5]])
    operations.membership_add_rows(some, field="groups", target_id=groups[1].pk)
    assert_exact(groups, labels)
    operations.membership_remove_rows(some, field="labels", target_id=labels[0].pk)
    assert_exact(groups, labels)
    operations.status_rows(some, status="active", actor=None, now=now)
    assert_exact(groups, labels)
    operations.archive_rows(some, actor=None, now=now)
    assert_exact(groups, labels)
    operations.restore_rows(Client.objects.filter(pk__in=[c.pk for c in clients[:2]]), actor=None, now=now)
    assert_exact(groups, labels)
    operations.delete_rows(Client.objects.filter(archived_at__isnull=False))
    assert_exact(groups, labels)
    Client.objects.filter(pk=clients[7].pk).update(status="active")  # any writer, even a plain UPDATE
    assert_exact(groups, labels)


def test_rebuild_gives_the_same_counts(world):
    _clients, groups, labels = world
    before = sorted(ClientCount.objects.filter(n__gt=0).values_list("kind", "set_id", "status", "archived", "n"))
    rebuild_counts()
    after = sorted(ClientCount.objects.filter(n__gt=0).values_list("kind", "set_id", "status", "archived", "n"))
    assert before == after
    assert_exact(groups, labels)


def test_counts_the_table_cannot_answer_fall_back_to_count(world, employee):
    _clients, groups, labels = world
    for f in (
        ClientFilter(q="jan"),
        ClientFilter(created_from=dt.date(2020, 1, 1)),
        ClientFilter(group=groups[0].pk, label=labels[0].pk),
    ):
        assert stored_count(Client.objects.all(), f) is None
        assert client_count(actor=employee, filters=f) == f.apply(Client.objects.all()).count()
    assert stored_count(Client.objects.filter(city="Kraków"), ClientFilter()) is None  # a narrowed scope


def test_a_group_count_reads_the_counts_not_the_clients(world, employee):
    _clients, groups, _labels = world
    expected = ClientFilter(group=groups[1].pk).apply(Client.objects.all()).count()
    with CaptureQueriesContext(connection) as queries:
        assert client_count(actor=employee, filters=ClientFilter(group=groups[1].pk)) == expected
    counting = [q["sql"] for q in queries.captured_queries if "clients_client" in q["sql"]]
    assert len(counting) == 1
    assert "clients_clientcount" in counting[0]


def test_counts_follow_membership_rows_moved_by_update(world):
    """Merging clients (issue 12) moves membership rows to another client or set by UPDATE."""
    _clients, groups, labels = world
    now = timezone.now()
    for relation, column, (one, other) in (("groups", "clientgroup_id", groups), ("labels", "label_id", labels)):
        through = getattr(Client, relation).through
        active = ClientFactory(status="active", **{relation: [one, other]})
        inactive = ClientFactory(status="inactive")
        archived = ClientFactory()
        operations.archive_rows(Client.objects.filter(pk=archived.pk), actor=None, now=now)
        row = through.objects.get(client_id=active.pk, **{column: one.pk})
        assert_exact(groups, labels)

        through.objects.filter(pk=row.pk).update(client_id=inactive.pk)  # to another client (status)
        assert_exact(groups, labels)
        through.objects.filter(pk=row.pk).update(**{column: other.pk})  # to another group or label
        assert_exact(groups, labels)
        through.objects.filter(pk=row.pk).update(client_id=archived.pk, **{column: one.pk})  # both at once
        assert_exact(groups, labels)
        through.objects.filter(client_id=active.pk).update(client_id=inactive.pk)  # a merge moves them all
        assert_exact(groups, labels)


def test_postgresql_counts_with_count_and_keeps_no_count_rows(db, employee):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    group = ClientGroupFactory()
    ClientFactory.create_batch(3, groups=[group])
    ClientFactory(status="inactive", groups=[group])
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'clients_count_%'")
        assert cursor.fetchall() == []
    assert not ClientCount.objects.exists()
    assert stored_count(Client.objects.all(), ClientFilter(group=group.pk)) is None
    assert client_count(actor=employee, filters=ClientFilter(group=group.pk)) == 3
    assert client_count(actor=employee, filters=ClientFilter(group=group.pk, status="all")) == 4
