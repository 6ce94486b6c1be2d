"""Every bulk action through the one service the UI and the API share."""

import dataclasses
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kartoteka.audit.models import AuditEvent, AuditEventClient
from kartoteka.audit.selectors import client_history
from kartoteka.bulk import services
from kartoteka.bulk.registry import actions_for, all_actions, get_action
from kartoteka.bulk.services import bulk_run, selection_from
from kartoteka.clients.filters import ClientFilter
from kartoteka.clients.models import Client, Note
from kartoteka.clients.selectors import client_count
from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory, LabelFactory, NoteFactory
from kartoteka.core.errors import ApplicationError, PermissionDenied, ValidationError


def run(actor, action, *, ids=None, filter=None, list_name=None, confirm_count=None, **params):
    list_name = list_name or ("archive" if action in ("restore", "delete") else "clients")
    selection = selection_from(list_name=list_name, ids=ids, filter_params=filter)
    outcome = bulk_run(
        actor=actor,
        action_name=action,
        list_name=list_name,
        selection=selection,
        params=params,
        confirm_count=confirm_count,
    )
    assert outcome.job is None
    return outcome.report


def archived(**kwargs):
    return ClientFactory(status="inactive", archived_at=timezone.now(), **kwargs)


def test_archived_clients_leave_the_list_and_appear_in_the_archive(manager):
    _kept, *gone = ClientFactory.create_batch(3)
    report = run(manager, "archive", ids=[c.id for c in gone])
    assert report == {"selected": 2, "changed": 2, "skipped": {}}
    assert client_count(actor=manager, filters=ClientFilter()) == 1
    assert client_count(actor=manager, filters=ClientFilter(archived=True, status="all")) == 2
    for client in gone:
        client.refresh_from_db()
        assert client.status == "inactive"
        assert client.archived_at is not None


def test_archiving_is_one_audit_entry_listing_the_clients(manager):
    clients = ClientFactory.create_batch(3)
    run(manager, "archive", ids=[c.id for c in clients])
    event = AuditEvent.objects.get(event_type="clients.client.archived")
    assert event.actor == manager
    assert event.details["count"] == 3
    assert set(AuditEventClient.objects.filter(event=event).values_list("client_id", flat=True)) == {
        c.id for c in clients
    }
    assert list(client_history(actor=manager, client_id=clients[0].id)) == [event]


def test_ids_that_are_not_on_the_list_are_reported_as_skipped(manager):
    live = ClientFactory()
    old = archived()
    report = run(manager, "archive", ids=[live.id, old.id, 999999])
    assert report["changed"] == 1
    assert report["skipped"] == {"not_on_list": 2}


def test_select_all_matching_archives_exactly_the_filtered_clients(manager):
    group = ClientGroupFactory()
    members = ClientFactory.create_batch(3, groups=[group])
    others = ClientFactory.create_batch(2)
    report = run(manager, "archive", filter={"group": str(group.id)})
    assert report["changed"] == 3
    assert set(Client.objects.filter(archived_at__isnull=False).values_list("id", flat=True)) == {c.id for c in members}
    assert all(Client.objects.get(pk=c.pk).archived_at is None for c in others)


def test_restore_brings_the_client_back_unchanged(manager):
    group, label = ClientGroupFactory(), LabelFactory()
    client = ClientFactory(status="inactive", groups=[group], labels=[label], company_name="ACME", nip="5250005834")
    NoteFactory(client=client, text="Ważna notatka")
    fields = ["first_name", "last_name", "company_name", "email", "phone", "nip", "city", "search_text", "created_at"]
    before = {f: getattr(client, f) for f in fields}
    run(manager, "archive", ids=[client.id])
    history_before = list(client_history(actor=manager, client_id=client.id).values_list("id", flat=True))

    report = run(manager, "restore", ids=[client.id])

    assert report["changed"] == 1
    client.refresh_from_db()
    assert {f: getattr(client, f) for f in fields} == before
    assert client.status == "active"
    assert client.archived_at is None
    assert list(client.groups.all()) == [group]
    assert list(client.labels.all()) == [label]
    assert list(client.notes.values_list("text", flat=True)) == ["Ważna notatka"]
    history = list(client_history(actor=manager, client_id=client.id).values_list("event_type", flat=True))
    assert history[0] == "clients.client.restored"
    assert set(history_before) <= set(client_history(actor=manager, client_id=client.id).values_list("id", flat=True))
    assert client_count(actor=manager, filters=ClientFilter()) == 1


def test_restore_skips_clients_that_are_not_in_the_archive(manager):
    old, live = archived(), ClientFactory()
    report = run(manager, "restore", ids=[old.id, live.id])
    assert report["changed"] == 1
    assert report["skipped"] == {"not_in_archive": 1}


def test_group_and_label_actions_add_and_remove_memberships(manager):
    group, label = ClientGroupFactory(), LabelFactory()
    member = ClientFactory(groups=[group], labels=[label])
    plain = ClientFactory()
    ids = [member.id, plain.id]

    assert run(manager, "group_add", ids=ids, group=group.id) == {
        "selected": 2,
        "changed": 1,
        "skipped": {"already_in_group": 1},
    }
    assert set(group.clients.values_list("id", flat=True)) == set(ids)
    assert run(manager, "label_add", ids=ids, label=str(label.id))["changed"] == 1
    assert set(label.clients.values_list("id", flat=True)) == set(ids)

    assert run(manager, "group_remove", ids=[plain.id], group=group.id)["changed"] == 1
    assert list(group.clients.all()) == [member]
    report = run(manager, "label_remove", ids=ids, label=label.id)
    assert report["changed"] == 2
    assert not label.clients.exists()
    assert run(manager, "label_remove", ids=ids, label=label.id)["skipped"] == {"not_labelled": 2}


def test_set_status_changes_only_clients_with_another_status(manager):
    active, inactive = ClientFactory(), ClientFactory(status="inactive")
    report = run(manager, "set_status", ids=[active.id, inactive.id], status="inactive")
    assert report == {"selected": 2, "changed": 1, "skipped": {"same_status": 1}}
    active.refresh_from_db()
    assert active.status == "inactive"
    assert active.updated_by == manager


def test_a_missing_or_unknown_parameter_is_a_message_per_field_and_changes_nothing(manager):
    client = ClientFactory()
    with pytest.raises(ValidationError) as caught:
        run(manager, "group_add", ids=[client.id])
    assert set(caught.value.message_dict) == {"group"}
    with pytest.raises(ValidationError) as caught:
        run(manager, "set_status", ids=[client.id], status="gone")
    assert set(caught.value.message_dict) == {"status"}
    assert not client.groups.exists()
    assert not AuditEvent.objects.exists()


def test_a_selection_needs_ids_or_a_filter():
    with pytest.raises(ValidationError):
        selection_from(list_name="clients")
    with pytest.raises(ValidationError):
        selection_from(list_name="clients", ids=[])


def test_an_action_runs_only_on_its_own_list(manager):
    client = ClientFactory()
    with pytest.raises(ApplicationError):
        run(manager, "restore", ids=[client.id], list_name="clients")


# --- permanent deletion --------------------------------------------------------------


def test_administrator_deletes_archived_clients_with_everything_that_belongs_to_them(administrator):
    group, label = ClientGroupFactory(), LabelFactory()
    doomed = archived(groups=[group], labels=[label])
    NoteFactory(client=doomed)
    kept = archived()
    NoteFactory(client=kept)

    report = run(administrator, "delete", ids=[doomed.id], confirm_count=1)

    assert report["changed"] == 1
    assert not Client.objects.filter(pk=doomed.pk).exists()
    assert not Note.objects.filter(client_id=doomed.pk).exists()
    assert not Client.groups.through.objects.filter(client_id=doomed.pk).exists()
    assert not Client.labels.through.objects.filter(client_id=doomed.pk).exists()
    assert Client.objects.filter(pk=kept.pk).exists()
    assert Note.objects.filter(client=kept).count() == 1
    event = AuditEvent.objects.get(event_type="clients.client.deleted")
    assert list(event.targets.values_list("client_id", flat=True)) == [doomed.pk]  # the log outlives the client


def test_deletion_leaves_no_row_pointing_to_a_deleted_client_in_any_related_table(administrator):
    doomed = archived(groups=[ClientGroupFactory()], labels=[LabelFactory()])
    NoteFactory(client=doomed)
    run(administrator, "delete", ids=[doomed.id], confirm_count=1)
    for rel in Client._meta.get_fields(include_hidden=True):
        fk: Any = rel.remote_field
        if rel.auto_created and not rel.concrete and not rel.many_to_many and fk.db_constraint:
            model: Any = rel.related_model
            assert not model._base_manager.filter(**{fk.name: doomed.pk}).exists(), model


def test_deletion_works_only_in_the_archive(administrator):
    live = ClientFactory()
    with pytest.raises(ApplicationError):
        run(administrator, "delete", ids=[live.id], list_name="clients", confirm_count=1)
    report = run(administrator, "delete", ids=[live.id], confirm_count=0)
    assert report["skipped"] == {"not_in_archive": 1}
    assert Client.objects.filter(pk=live.pk).exists()


@pytest.mark.parametrize("role", ["employee", "manager"])
def test_only_an_administrator_may_delete_permanently(request, role):
    user = request.getfixturevalue(role)
    old = archived()
    with pytest.raises(PermissionDenied):
        run(user, "delete", ids=[old.id], confirm_count=1)
    assert Client.objects.filter(pk=old.pk).exists()


def test_deletion_needs_the_number_of_clients_typed_in(administrator):
    old = [archived(), archived()]
    with pytest.raises(ValidationError) as caught:
        run(administrator, "delete", ids=[c.id for c in old], confirm_count=1)
    assert set(caught.value.message_dict) == {"confirm_count"}
    assert Client.objects.count() == 2


def test_a_delete_acts_only_on_the_clients_whose_count_was_confirmed(administrator, monkeypatch):
    old = [archived(), archived()]
    action = get_action("delete")
    newcomers = []

    def archive_one_more_then_delete(clients, ctx):  # another user archives a client meanwhile
        newcomers.append(archived())
        return action.apply(clients, ctx)

    patched = dataclasses.replace(action, apply=archive_one_more_then_delete)
    monkeypatch.setattr(services, "get_action", lambda name: patched)
    report = run(administrator, "delete", filter={}, confirm_count=2)
    assert report["changed"] == 2
    assert not Client.objects.filter(pk__in=[c.pk for c in old]).exists()
    assert Client.objects.filter(pk=newcomers[0].pk).exists()


def test_an_employee_may_not_run_bulk_actions(employee):
    client = ClientFactory()
    with pytest.raises(PermissionDenied):
        run(employee, "set_status", ids=[client.id], status="inactive")


def test_each_role_sees_only_the_actions_it_may_run(employee, manager, administrator):
    assert actions_for(list_name="clients", actor=employee) == []
    assert "delete" not in {a.name for a in actions_for(list_name="archive", actor=manager)}
    assert {a.name for a in actions_for(list_name="archive", actor=administrator)} == {"restore", "delete", "export"}
    assert {a.name for a in all_actions()} >= {
        "archive", "restore", "delete", "group_add", "group_remove", "label_add", "label_remove", "set_status",
    }  # fmt: skip


# --- set-based: the number of queries does not grow with the selection ---------------


@pytest.mark.parametrize("action", ["archive", "group_add", "label_remove", "set_status"])
def test_query_count_is_the_same_for_10_and_100_clients(manager, action):
    def queries(n):
        group, label = ClientGroupFactory(), LabelFactory()
        ids = [c.id for c in ClientFactory.create_batch(n, labels=[label])]
        params = {"group_add": {"group": group.id}, "label_remove": {"label": label.id}}.get(action, {})
        if action == "set_status":
            params = {"status": "inactive"}
        with CaptureQueriesContext(connection) as captured:
            run(manager, action, ids=ids, **params)
        return len(captured)

    queries(1)  # the actor's permissions are loaded (and cached) on first use
    assert queries(10) == queries(100)


def test_restore_and_delete_of_many_clients_take_a_fixed_number_of_queries(administrator):
    def queries(n):
        clients = [archived() for _ in range(n)]
        for c in clients:
            NoteFactory(client=c)
        ids = [c.id for c in clients]
        with CaptureQueriesContext(connection) as captured:
            run(administrator, "delete", ids=ids, confirm_count=n)
        return len(captured)

    queries(1)
    assert queries(10) == queries(60)
