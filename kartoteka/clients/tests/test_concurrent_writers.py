"""Two real writers at once, each on its own database connection (a thread each).

On SQLite the second writer waits for the first (IMMEDIATE transactions, busy_timeout); on
PostgreSQL both run, and the UPDATE conditional on the version decides. The hooks below hold
a writer between its read and its UPDATE so that the other really runs in between where the
database lets it.
"""

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client as HttpClient
from django.urls import reverse

from kartoteka.api.tests.client import token_client
from kartoteka.bulk.services import bulk_run, selection_from
from kartoteka.clients import operations, services, validation
from kartoteka.clients.models import Client
from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _a_database_where_writers_wait(db):
    """Django's in-memory SQLite test database is shared-cache: a second writer gets "table is
    locked" at once instead of waiting, unlike the file database Kartoteka runs on. `make test`
    runs this module again on a file (TEST_DB_NAME=var/test-concurrency.sqlite3)."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        pytest.skip("needs a file SQLite database (make test runs it on one)")


JSON = "application/json"
WAIT = 3  # seconds a writer holds on for the other (on SQLite the other cannot come in between)


def in_threads(*jobs: Callable[[], Any]) -> list[Any]:
    """Run the jobs at once, each in its own thread (its own connection); their results, in order."""
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            results[index] = job()
        except BaseException as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def hold_after_read(monkeypatch, until: Callable[[], None]) -> None:
    """Each edit, after reading the client in its transaction, first calls `until` (once per thread)."""
    real = validation.clean_client_fields
    held = threading.local()

    def clean(*args: Any, **kwargs: Any) -> Any:
        if not getattr(held, "done", False):
            held.done = True
            until()
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "clean_client_fields", clean)


def test_concurrent_patches_of_different_fields_both_survive(employee, monkeypatch):
    client = ClientFactory(street="", city="Kraków")
    first, second = token_client(employee), token_client(employee)
    both_read = threading.Barrier(2)

    def meet() -> None:
        with contextlib.suppress(threading.BrokenBarrierError):  # SQLite: the other waits for this one
            both_read.wait(timeout=WAIT)

    hold_after_read(monkeypatch, meet)
    url = f"/api/clients/{client.pk}"
    responses = in_threads(
        lambda: first.patch(url, {"street": "Długa 1"}, content_type=JSON),
        lambda: second.patch(url, {"city": "Gdańsk"}, content_type=JSON),
    )

    assert [r.status_code for r in responses] == [200, 200]
    saved = Client.objects.get(pk=client.pk)
    assert (saved.street, saved.city, saved.version) == ("Długa 1", "Gdańsk", 3)


def test_a_patch_with_a_stale_if_match_gets_412_while_the_other_writers_change_stays(employee):
    client = ClientFactory(city="Kraków")
    mine, theirs = token_client(employee), token_client(employee)
    url = f"/api/clients/{client.pk}"
    etag = mine.get(url)["ETag"]
    [their_change] = in_threads(lambda: theirs.patch(url, {"city": "Gdańsk"}, content_type=JSON))
    [my_change] = in_threads(lambda: mine.patch(url, {"city": "Poznań"}, content_type=JSON, headers={"If-Match": etag}))
    assert (their_change.status_code, my_change.status_code) == (200, 412)
    assert Client.objects.get(pk=client.pk).city == "Gdańsk"


def _archive(actor, client):
    selection = selection_from(list_name="clients", ids=[client.pk])
    return bulk_run(actor=actor, action_name="archive", list_name="clients", selection=selection, params={})


def test_a_bulk_archive_committed_between_reading_and_saving_a_form_is_not_undone(employee, manager, settings):
    settings.LANGUAGE_CODE = "en"
    client = ClientFactory(city="Kraków")
    browser = HttpClient()
    browser.force_login(employee)
    url = reverse("clients:edit", args=[client.pk])
    [opened] = in_threads(lambda: browser.get(url))
    in_threads(lambda: _archive(manager, client))
    form = opened.context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name not in ("groups", "labels")}
    [saved] = in_threads(lambda: browser.post(url, {**data, "city": "Gdańsk"}))

    assert saved.status_code == 200
    assert "moved to the archive meanwhile" in saved.content.decode()
    client.refresh_from_db()
    assert client.is_archived
    assert client.city == "Kraków"


def test_a_patch_racing_a_bulk_archive_never_un_archives_the_client(employee, manager, monkeypatch):
    client = ClientFactory(city="Kraków")
    api = token_client(employee)
    patch_read, archived = threading.Event(), threading.Event()

    def let_the_archive_in() -> None:
        patch_read.set()
        archived.wait(timeout=WAIT)  # SQLite: the archive waits for this transaction instead

    def archive() -> None:
        patch_read.wait(timeout=30)
        _archive(manager, client)
        archived.set()

    hold_after_read(monkeypatch, let_the_archive_in)
    patched, _ = in_threads(
        lambda: api.patch(f"/api/clients/{client.pk}", {"city": "Gdańsk"}, content_type=JSON), archive
    )

    client.refresh_from_db()
    assert client.is_archived
    assert client.status == Client.Status.INACTIVE
    if connection.vendor == "postgresql":  # the archive came in between: the PATCH was refused
        assert patched.status_code == 409
        assert client.city == "Kraków"
    else:  # the archive waited for the PATCH, then archived the changed client
        assert patched.status_code == 200
        assert client.city == "Gdańsk"


def test_two_transactions_changing_one_groups_memberships_both_commit():
    """PostgreSQL: two bulk jobs adding clients of both statuses to the same group at once. The
    count triggers of clients migration 0006 made each lock a shared counter row per status, in
    opposite orders here, and PostgreSQL aborted one as a deadlock (0009 dropped them)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: the other waits")
    group = ClientGroupFactory()
    first = [ClientFactory(status="active"), ClientFactory(status="inactive")]
    second = [ClientFactory(status="inactive"), ClientFactory(status="active")]
    halfway = threading.Barrier(2)

    def add_one_by_one(clients: list[Any]) -> Callable[[], None]:
        def run() -> None:
            with transaction.atomic():
                for i, client in enumerate(clients):
                    if i:
                        halfway.wait(timeout=WAIT)  # both hold their first change uncommitted
                    operations.membership_add_rows(
                        Client.objects.filter(pk=client.pk), field="groups", target_id=group.pk
                    )

        return run

    in_threads(add_one_by_one(first), add_one_by_one(second))  # neither raised (deadlock, serialisation)

    assert set(group.clients.values_list("pk", flat=True)) == {c.pk for c in first + second}
