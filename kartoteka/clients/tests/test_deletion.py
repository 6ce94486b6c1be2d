"""Permanent deletion walks client_relations() and obeys each relation's on_delete."""

import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kartoteka.audit.models import AuditEvent
from kartoteka.bulk.services import bulk_run, selection_from
from kartoteka.clients import operations, services
from kartoteka.clients.models import Client, Note
from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory, NoteFactory
from kartoteka.core.errors import ApplicationError
from kartoteka.core.relations import OnDelete

pytestmark = pytest.mark.django_db


def archived(**kwargs):
    return ClientFactory(status="inactive", archived_at=timezone.now(), **kwargs)


def test_deleting_a_client_takes_its_notes_and_memberships_and_leaves_its_history(administrator):
    doomed = archived(groups=[ClientGroupFactory()])
    NoteFactory(client=doomed)
    services.client_delete(actor=administrator, client=doomed)
    assert not Client.objects.filter(pk=doomed.pk).exists()
    assert not Note.objects.filter(client_id=doomed.pk).exists()
    assert not Client.groups.through.objects.filter(client_id=doomed.pk).exists()
    assert AuditEvent.objects.filter(client_id=doomed.pk, event_type="clients.client.deleted").exists()


def test_a_refusing_relation_blocks_the_deletion_and_names_what_blocks_it(administrator, monkeypatch, settings):
    settings.LANGUAGE_CODE = "en"
    refusing = dataclasses.replace(Note.client_relation, on_delete=OnDelete.REFUSE)
    monkeypatch.setattr(Note, "client_relation", refusing)
    doomed = archived()
    NoteFactory(client=doomed)
    with pytest.raises(ApplicationError) as caught:
        services.client_delete(actor=administrator, client=doomed)
    assert "notes" in caught.value.message
    assert Client.objects.filter(pk=doomed.pk).exists()
    assert Note.objects.filter(client=doomed).count() == 1


def test_a_refusing_relation_without_rows_does_not_block(administrator, monkeypatch):
    monkeypatch.setattr(Note, "client_relation", dataclasses.replace(Note.client_relation, on_delete=OnDelete.REFUSE))
    doomed = archived()
    services.client_delete(actor=administrator, client=doomed)
    assert not Client.objects.filter(pk=doomed.pk).exists()


def test_deleting_every_archived_client_of_a_group_deletes_them_all(administrator):
    """The memberships go first; the selection "in this group" must still mean the same clients."""
    group = ClientGroupFactory()
    doomed = [archived(groups=[group]) for _ in range(3)]
    kept = archived()
    selection = selection_from(list_name="archive", filter_params={"group": str(group.pk)})
    outcome = bulk_run(
        actor=administrator,
        action_name="delete",
        list_name="archive",
        selection=selection,
        params={},
        confirm_count=3,
    )
    assert outcome.report is not None
    assert outcome.report["changed"] == 3
    assert not Client.objects.filter(pk__in=[c.pk for c in doomed]).exists()
    assert Client.objects.filter(pk=kept.pk).exists()


def test_deletion_is_one_statement_per_relation_whatever_the_number_of_clients():
    def queries(n):
        clients = [archived(groups=[ClientGroupFactory()]) for _ in range(n)]
        for c in clients:
            NoteFactory(client=c)
        with CaptureQueriesContext(connection) as captured:
            operations.delete_rows(Client.objects.filter(pk__in=[c.pk for c in clients]))
        assert not Client.objects.filter(pk__in=[c.pk for c in clients]).exists()
        return len(captured)

    assert queries(2) == queries(20)
