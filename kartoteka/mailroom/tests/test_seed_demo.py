"""The demo mail: every status, archived clients included, collected only by those who may collect."""

import pytest
from django.core.management import call_command

from kartoteka.audit.models import AuditEvent
from kartoteka.mailroom.models import MailItem
from kartoteka.mailroom.scans import scan_path

pytestmark = pytest.mark.django_db


def test_demo_mail_covers_the_statuses_and_the_archive_and_is_stored_as_the_services_would():
    call_command("seed_demo", stdout=None)
    items = list(MailItem.objects.select_related("client", "collected_by"))
    assert len(items) > 100
    statuses = {item.status for item in items}
    assert {"received", "scanned", "forwarded"} <= statuses
    assert any(item.client.archived_at for item in items)
    for item in items:
        assert item.sender == " ".join(item.sender.split())
        if item.status == "collected":
            assert item.collected_by is not None
            assert item.collected_by.may_collect_mail
            assert item.collected_by.client_id == item.client_id
            assert item.collected_by_name == item.collected_by.full_name
        if item.status == "scanned":
            assert scan_path(item.scan_file).read_bytes().startswith(b"%PDF-")
    assert AuditEvent.objects.filter(event_type="mailroom.mail.received").count() == len(items)
