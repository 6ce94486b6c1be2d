"""Mail services: registering, collecting (only by a contact person who may collect), forwarding,
scans judged by content, audit entries, conditional writes, and the whole-client rules."""

import datetime as dt
import io
import os

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from kartoteka.audit.models import AuditEvent
from kartoteka.clients import services as client_services
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.contacts.tests.factories import ContactPersonFactory
from kartoteka.core.errors import ApplicationError, PermissionDenied, ValidationError
from kartoteka.mailroom import services
from kartoteka.mailroom.models import MailItem
from kartoteka.mailroom.scans import ScanUpload, scan_path
from kartoteka.mailroom.tests.factories import MailItemFactory
from kartoteka.mailroom.tests.files import ELF, FAKE_PDF, MZ, jpeg_bytes, pdf_bytes, png_bytes
from kartoteka.mailroom.validation import days_up_to_pattern

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _upload(content: bytes, name: str = "skan.pdf") -> ScanUpload:
    return ScanUpload(file=io.BytesIO(content), name=name)


def _collector(client, **kwargs):
    return ContactPersonFactory(client=client, may_collect_mail=True, **kwargs)


# --- registering and editing ---------------------------------------------------------------


def test_registering_mail_records_it_received_today_in_the_clients_history(employee):
    client = ClientFactory()
    item = services.mail_item_create(actor=employee, client=client, data={"sender": "  ZUS   Oddział  Łódź "})
    assert (item.sender, item.kind, item.status) == ("ZUS Oddział Łódź", "letter", "received")
    assert item.received_on == timezone.localdate()
    assert item.search_text == "zus oddzial lodz"
    event = AuditEvent.objects.get(event_type="mailroom.mail.received")
    assert event.client_id == client.pk
    assert event.details["mail_id"] == item.pk
    assert event.changes["sender"] == [None, "ZUS Oddział Łódź"]


def test_each_bad_field_gets_its_own_message_and_nothing_is_saved(employee):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.mail_item_create(
            actor=employee,
            client=ClientFactory(),
            data={"sender": " ", "kind": "pigeon", "note": "a" * 5001, "received_on": tomorrow.isoformat()},
        )
    assert exc.value.message_dict == {
        "sender": ["Enter the sender."],
        "kind": ["Choose one of: letter, registered, parcel, other."],
        "note": ["Use at most 5000 characters."],
        "received_on": ["Enter a date from 1900-01-01 to today."],
    }
    assert not MailItem.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_received_day_must_be_written_as_year_month_day(employee):
    with pytest.raises(ValidationError) as exc:
        services.mail_item_create(
            actor=employee, client=ClientFactory(), data={"sender": "A", "received_on": "20240101"}
        )
    assert exc.value.message_dict == {"received_on": ["Enter a date as YYYY-MM-DD."]}


def test_editing_changes_only_the_fields_given_and_records_the_changes(employee):
    item = MailItemFactory(sender="Bank", note="pilne")
    services.mail_item_update(actor=employee, item=item, data={"kind": "registered"})
    item.refresh_from_db()
    assert (item.kind, item.sender, item.note, item.version) == ("registered", "Bank", "pilne", 2)
    assert AuditEvent.objects.get(event_type="mailroom.mail.updated").changes == {"kind": ["letter", "registered"]}


def test_an_edit_made_on_a_stale_copy_is_refused(employee):
    item = MailItemFactory()
    stale = MailItem.objects.get(pk=item.pk)
    services.mail_item_update(actor=employee, item=item, data={"sender": "Pierwszy"})
    with pytest.raises(services.StaleMailItem):
        services.mail_item_update(actor=employee, item=stale, data={"sender": "Drugi"})
    item.refresh_from_db()
    assert item.sender == "Pierwszy"


def test_outsiders_may_not_register_mail(outsider):
    with pytest.raises(PermissionDenied):
        services.mail_item_create(actor=outsider, client=ClientFactory(), data={"sender": "A"})


def test_mail_of_an_archived_client_can_still_be_registered(employee):
    client = ClientFactory(status="inactive", archived_at=timezone.now())
    item = services.mail_item_create(actor=employee, client=client, data={"sender": "Poczta Polska"})
    assert item.client == client


# --- collecting ------------------------------------------------------------------------------


def test_a_contact_person_who_may_collect_collects_the_mail_and_the_history_says_who(employee):
    item = MailItemFactory()
    person = _collector(item.client, first_name="Anna", last_name="Nowak")
    services.mail_item_collect(actor=employee, item=item, contact_id=person.pk)
    item.refresh_from_db()
    assert item.status == "collected"
    assert (item.collected_by, item.collected_by_name, item.handed_over_by) == (person, "Anna Nowak", employee)
    assert item.collected_at is not None
    event = AuditEvent.objects.get(event_type="mailroom.mail.collected")
    assert event.details["contact_name"] == "Anna Nowak"
    assert event.changes == {"status": ["received", "collected"]}


def test_a_person_without_may_collect_mail_is_refused(employee):
    item = MailItemFactory()
    person = ContactPersonFactory(client=item.client, first_name="Jan", last_name="Kowalski", may_collect_mail=False)
    with pytest.raises(services.CollectRefused) as exc:
        services.mail_item_collect(actor=employee, item=item, contact_id=person.pk)
    message = "Jan Kowalski may not collect this client's mail: the contact person has no right to collect it."
    assert exc.value.extra == {"errors": {"contact": [message]}}
    item.refresh_from_db()
    assert item.status == "received"
    assert not AuditEvent.objects.filter(event_type="mailroom.mail.collected").exists()


def test_a_contact_person_of_another_client_is_refused(employee):
    item = MailItemFactory()
    stranger = _collector(ClientFactory())
    with pytest.raises(services.CollectRefused) as exc:
        services.mail_item_collect(actor=employee, item=item, contact_id=stranger.pk)
    assert exc.value.message == "This person is not a contact person of this client."
    item.refresh_from_db()
    assert item.status == "received"


def test_no_contact_person_chosen_is_a_message_for_the_field(employee):
    with pytest.raises(ValidationError) as exc:
        services.mail_item_collect(actor=employee, item=MailItemFactory(), contact_id=None)
    assert exc.value.message_dict == {"contact": ["Choose the contact person who collects the mail."]}


def test_an_item_already_collected_is_refused(employee):
    item = MailItemFactory()
    person = _collector(item.client, first_name="Anna", last_name="Nowak")
    services.mail_item_collect(actor=employee, item=item, contact_id=person.pk)
    with pytest.raises(ApplicationError, match="already collected by Anna Nowak"):
        services.mail_item_collect(actor=employee, item=item, contact_id=person.pk)
    assert AuditEvent.objects.filter(event_type="mailroom.mail.collected").count() == 1


def test_collected_mail_keeps_its_collector_when_the_contact_person_is_removed(employee):
    item = MailItemFactory()
    person = _collector(item.client, first_name="Anna", last_name="Nowak")
    services.mail_item_collect(actor=employee, item=item, contact_id=person.pk)
    person.delete()
    item.refresh_from_db()
    assert (item.collected_by, item.collected_by_name) == (None, "Anna Nowak")


def test_the_database_refuses_a_collected_row_without_collector_or_time():
    item = MailItemFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MailItem.objects.filter(pk=item.pk).update(status="collected")


# --- forwarding ------------------------------------------------------------------------------


def test_forwarding_records_the_address_and_day_and_ends_the_items_stay(employee):
    item = MailItemFactory()
    services.mail_item_forward(actor=employee, item=item, data={"forwarded_to": " ul. Długa 1\n 00-001 Warszawa "})
    item.refresh_from_db()
    assert (item.status, item.forwarded_to, item.forwarded_on) == (
        "forwarded", "ul. Długa 1\n00-001 Warszawa", timezone.localdate())  # fmt: skip
    with pytest.raises(ApplicationError, match="already forwarded"):
        services.mail_item_collect(actor=employee, item=item, contact_id=_collector(item.client).pk)


def test_forwarding_needs_an_address(employee):
    with pytest.raises(ValidationError) as exc:
        services.mail_item_forward(actor=employee, item=MailItemFactory(), data={"forwarded_to": " \n "})
    assert exc.value.message_dict == {"forwarded_to": ["Enter the address the mail is forwarded to."]}


# --- scans -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("content", "kind"), [(pdf_bytes, "application/pdf"), (jpeg_bytes, "image/jpeg"),
                                              (png_bytes, "image/png")])  # fmt: skip
def test_a_pdf_jpeg_or_png_scan_is_stored_under_a_random_name_readable_by_us_only(employee, content, kind):
    item = MailItemFactory()
    services.mail_item_scan_attach(actor=employee, item=item, scan=_upload(content(), "../../etc/Skan listu.txt"))
    item.refresh_from_db()
    assert (item.status, item.scan_type) == ("scanned", kind)
    assert item.scan_name.startswith("Skan listu.")  # the real type's extension, no path
    path = scan_path(item.scan_file)
    assert path.read_bytes() == content()
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    assert len(item.scan_file) >= 40
    assert "Skan" not in item.scan_file
    assert AuditEvent.objects.filter(event_type="mailroom.mail.scanned").exists()


@pytest.mark.parametrize("content", [ELF, MZ])
def test_an_executable_renamed_pdf_is_refused_with_a_message(employee, content, scan_dir):
    item = MailItemFactory()
    with pytest.raises(ValidationError) as exc:
        services.mail_item_scan_attach(actor=employee, item=item, scan=_upload(content, "faktura.pdf"))
    assert exc.value.message_dict == {
        "scan": ["Attach a PDF, JPEG or PNG file: the content of this file is none of them."]
    }
    item.refresh_from_db()
    assert (item.status, item.scan_file) == ("received", "")
    assert not scan_dir.exists() or not any(scan_dir.iterdir())


def test_a_file_with_only_the_magic_bytes_of_a_pdf_is_refused(employee):
    with pytest.raises(ValidationError, match="cannot be read"):
        services.mail_item_scan_attach(actor=employee, item=MailItemFactory(), scan=_upload(FAKE_PDF))


def test_a_truncated_png_is_refused(employee):
    with pytest.raises(ValidationError, match="cannot be read"):
        services.mail_item_scan_attach(actor=employee, item=MailItemFactory(), scan=_upload(png_bytes()[:30]))


def test_an_oversized_scan_is_refused(employee, settings):
    settings.KARTOTEKA_MAIL_SCAN_MAX_BYTES = 1024 * 1024
    big = pdf_bytes() + b" " * (1024 * 1024)
    with pytest.raises(ValidationError) as exc:
        services.mail_item_scan_attach(actor=employee, item=MailItemFactory(), scan=_upload(big))
    assert exc.value.message_dict == {"scan": ["The file is too large: a scan may have at most 1 MB."]}


@pytest.mark.django_db(transaction=True)
def test_a_replaced_scan_and_a_deleted_items_scan_are_removed_from_disk(employee, manager):
    item = MailItemFactory()
    services.mail_item_scan_attach(actor=employee, item=item, scan=_upload(png_bytes()))
    first = scan_path(item.scan_file)
    services.mail_item_scan_attach(actor=employee, item=item, scan=_upload(pdf_bytes()))
    second = scan_path(item.scan_file)
    assert not first.exists()
    assert second.exists()
    services.mail_item_delete(actor=manager, item=item)
    assert not second.exists()
    assert not MailItem.objects.exists()
    assert AuditEvent.objects.get(event_type="mailroom.mail.deleted").details["had_scan"] is True


def test_deleting_mail_is_for_managers(employee, manager):
    item = MailItemFactory()
    with pytest.raises(PermissionDenied):
        services.mail_item_delete(actor=employee, item=item)
    services.mail_item_delete(actor=manager, item=item)
    assert not MailItem.objects.exists()


def test_registering_with_a_scan_makes_it_scanned(employee):
    item = services.mail_item_create(
        actor=employee, client=ClientFactory(), data={"sender": "Sąd"}, scan=_upload(pdf_bytes())
    )
    assert (item.status, item.scan_type) == ("scanned", "application/pdf")
    assert set(AuditEvent.objects.values_list("event_type", flat=True)) == {
        "mailroom.mail.received", "mailroom.mail.scanned"}  # fmt: skip


# --- the whole client ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_permanently_deleting_an_archived_client_removes_its_mail_and_scan_files(administrator, employee):
    client = ClientFactory(status="inactive", archived_at=timezone.now())
    person = _collector(client)
    collected = MailItemFactory(client=client)
    services.mail_item_collect(actor=employee, item=collected, contact_id=person.pk)
    scanned = MailItemFactory(client=client)
    services.mail_item_scan_attach(actor=employee, item=scanned, scan=_upload(png_bytes()))
    path = scan_path(scanned.scan_file)
    other = MailItemFactory()
    client_services.client_delete(actor=administrator, client=client)
    assert list(MailItem.objects.all()) == [other]
    assert not path.exists()


def test_merge_moves_mail_and_anonymisation_scrubs_personal_fields_declared():
    declaration = MailItem.client_relation
    assert declaration.on_merge == "move"
    assert set(declaration.personal_fields) >= {"sender", "note", "forwarded_to", "collected_by_name"}
    assert declaration.release is not None


def test_the_days_pattern_accepts_exactly_the_days_up_to_the_last(db):
    import re

    pattern = re.compile(days_up_to_pattern(dt.date(2026, 11, 23)))
    for day in ("1900-01-01", "1999-12-31", "2025-12-31", "2026-10-31", "2026-11-01", "2026-11-23"):
        assert pattern.match(day), day
    for day in ("1899-12-31", "2026-11-24", "2026-12-01", "2027-01-01", "2100-01-01", "3000-01-01", "26-11-01"):
        assert not pattern.match(day), day
    assert re.compile(days_up_to_pattern(dt.date(2030, 1, 9))).match("2029-12-31")
    assert not re.compile(days_up_to_pattern(dt.date(2030, 1, 9))).match("2030-01-10")
