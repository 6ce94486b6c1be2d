import pytest
from django.core.exceptions import ValidationError

from kartoteka.audit.selectors import client_history
from kartoteka.clients import services
from kartoteka.clients.models import Client, Note
from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory, LabelFactory, NoteFactory
from kartoteka.core.errors import ApplicationError, PermissionDenied

VALID = {"first_name": "Anna", "last_name": "Nowak", "email": "Anna.Nowak@Example.pl", "phone": "600 123 456",
         "nip": "525-000-58-34", "postal_code": "90001", "city": "Łódź", "website": "nowak.pl"}  # fmt: skip


def test_created_client_is_stored_normalised_with_its_source_and_author(employee):
    client = services.client_create(actor=employee, data=VALID)
    client.refresh_from_db()
    assert (client.email, client.phone, client.nip, client.postal_code, client.website) == (
        "anna.nowak@example.pl", "+48600123456", "5250005834", "90-001", "https://nowak.pl")  # fmt: skip
    assert client.source == Client.Source.MANUAL
    assert client.created_by == employee
    assert client.status == Client.Status.ACTIVE
    assert client.country == "PL"


def test_bad_input_saves_nothing_and_names_each_field(employee):
    with pytest.raises(ValidationError) as caught:
        services.client_create(actor=employee, data={**VALID, "email": "nope", "nip": "123"})
    assert set(caught.value.error_dict) == {"email", "nip"}
    assert Client.objects.count() == 0


def test_unknown_group_is_a_field_error_and_saves_nothing(employee):
    with pytest.raises(ValidationError) as caught:
        services.client_create(actor=employee, data=VALID, groups=[999])
    assert "groups" in caught.value.error_dict
    assert Client.objects.count() == 0


def test_same_email_nip_or_phone_warns_before_saving(employee):
    existing = ClientFactory(email="anna.nowak@example.pl")
    with pytest.raises(services.PossibleDuplicates) as caught:
        services.client_create(actor=employee, data=VALID)
    assert caught.value.duplicates == [existing]
    assert Client.objects.count() == 1
    services.client_create(actor=employee, data=VALID, allow_duplicates=True)
    assert Client.objects.count() == 2


def test_archived_clients_count_as_duplicates_too(employee):
    ClientFactory(phone="+48600123456", status="inactive", archived_at="2026-01-01T00:00:00Z")
    with pytest.raises(services.PossibleDuplicates):
        services.client_create(actor=employee, data={**VALID, "email": "inna@example.pl"})


def test_editing_a_client_does_not_warn_about_itself(employee):
    client = services.client_create(actor=employee, data=VALID)
    services.client_update(actor=employee, client=client, data={"city": "Kraków"})
    client.refresh_from_db()
    assert client.city == "Kraków"


def test_update_records_old_and_new_values_in_history(employee):
    group = ClientGroupFactory()
    client = services.client_create(actor=employee, data=VALID)
    services.client_update(actor=employee, client=client, data={"city": "Gdańsk"}, groups=[group.pk])
    latest = client_history(actor=employee, client_id=client.pk)[0]
    assert latest.event_type == "clients.client.updated"
    assert latest.actor == employee
    assert latest.changes == {"city": ["Łódź", "Gdańsk"], "groups": [[], [group.name]]}


def test_creation_history_lists_only_the_fields_that_were_filled(employee):
    client = services.client_create(actor=employee, data={"first_name": "Ola", "email": "ola@example.pl"})
    created = client_history(actor=employee, client_id=client.pk)[0]
    assert set(created.changes) == {"first_name", "email", "country"}


def test_update_that_changes_nothing_writes_no_history(employee):
    client = services.client_create(actor=employee, data=VALID)
    services.client_update(actor=employee, client=client, data={"city": "Łódź"})
    assert client_history(actor=employee, client_id=client.pk).count() == 1


def test_search_text_follows_edits(employee):
    client = services.client_create(actor=employee, data=VALID)
    services.client_update(actor=employee, client=client, data={"city": "Żyrardów"})
    client.refresh_from_db()
    assert "zyrardow" in client.search_text
    assert "lodz" not in client.search_text


def test_status_switch_is_recorded(employee):
    client = ClientFactory()
    services.client_set_status(actor=employee, client=client, status="inactive")
    client.refresh_from_db()
    assert client.status == "inactive"
    assert client_history(actor=employee, client_id=client.pk)[0].changes == {"status": ["active", "inactive"]}


def test_unknown_status_is_rejected(employee):
    with pytest.raises(ValidationError):
        services.client_set_status(actor=employee, client=ClientFactory(), status="deleted")


def test_archived_client_cannot_be_edited(employee):
    client = ClientFactory(status="inactive", archived_at="2026-01-01T00:00:00Z")
    with pytest.raises(ApplicationError):
        services.client_update(actor=employee, client=client, data={"city": "Kraków"})


def test_user_without_a_role_cannot_create_clients(outsider):
    with pytest.raises(PermissionDenied):
        services.client_create(actor=outsider, data=VALID)


def test_employee_edits_own_notes_but_not_others(employee, manager):
    client = ClientFactory()
    mine = services.note_create(actor=employee, client=client, text="Moja notatka")
    theirs = NoteFactory(client=client, author=manager)
    services.note_update(actor=employee, note=mine, text="Poprawiona")
    with pytest.raises(PermissionDenied):
        services.note_update(actor=employee, note=theirs, text="Cudza")
    with pytest.raises(PermissionDenied):
        services.note_delete(actor=employee, note=theirs)
    services.note_delete(actor=employee, note=mine)
    assert list(Note.objects.values_list("text", flat=True)) == ["Zadzwonić w poniedziałek."]


def test_manager_may_moderate_other_peoples_notes(employee, manager):
    note = services.note_create(actor=employee, client=ClientFactory(), text="x")
    services.note_delete(actor=manager, note=note)
    assert not Note.objects.exists()


def test_empty_note_is_rejected(employee):
    with pytest.raises(ValidationError):
        services.note_create(actor=employee, client=ClientFactory(), text="   ")


def test_group_names_are_unique_ignoring_case(employee):
    services.group_create(actor=employee, data={"name": "VIP", "color": "#FF0000"})
    with pytest.raises(ValidationError) as caught:
        services.group_create(actor=employee, data={"name": "vip"})
    assert "name" in caught.value.error_dict


def test_bad_colour_is_rejected(manager):
    with pytest.raises(ValidationError) as caught:
        services.label_create(actor=manager, data={"name": "Pilne", "color": "red"})
    assert "color" in caught.value.error_dict


def test_employee_may_create_groups_but_not_delete_them(employee):
    group = services.group_create(actor=employee, data={"name": "Nowi"})
    with pytest.raises(PermissionDenied):
        services.group_delete(actor=employee, group=group)


def test_deleting_a_label_keeps_its_clients(manager):
    label = LabelFactory()
    client = ClientFactory(labels=[label])
    services.label_delete(actor=manager, label=label)
    assert Client.objects.filter(pk=client.pk).exists()


def test_notes_of_an_archived_client_are_read_only(employee):
    client = ClientFactory(status="inactive", archived_at="2026-01-01T00:00:00Z")
    note = NoteFactory(client=client, author=employee)
    with pytest.raises(ApplicationError):
        services.note_create(actor=employee, client=client, text="x")
    with pytest.raises(ApplicationError):
        services.note_update(actor=employee, note=note, text="y")


def test_a_partial_change_of_a_german_clients_postal_code_follows_the_stored_country(employee):
    client = ClientFactory(country="DE", postal_code="10115", city="Berlin")
    services.client_update(actor=employee, client=client, data={"postal_code": "80331"})
    client.refresh_from_db()
    assert client.postal_code == "80331"  # not refused as a bad Polish NN-NNN code
    with pytest.raises(ValidationError):  # a change to Poland in the same request checks it as Polish
        services.client_update(actor=employee, client=client, data={"country": "PL", "postal_code": "80331x"})
