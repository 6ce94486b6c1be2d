"""The correspondence API as an integration sees it: Bearer tokens, JSON, envelope, cursors,
422 per field, 409 for a refused collection, ETags, scans by multipart."""

import datetime as dt
import typing

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kartoteka.api.tests.client import token_client
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.contacts.tests.factories import ContactPersonFactory
from kartoteka.mailroom.filters import SORTS
from kartoteka.mailroom.models import MailItem
from kartoteka.mailroom.schemas import SortName
from kartoteka.mailroom.tests.factories import MailItemFactory
from kartoteka.mailroom.tests.files import ELF, pdf_bytes

JSON = "application/json"

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(employee):
    return token_client(employee)


def _ids(response):
    return [item["id"] for item in response.json()["items"]]


def test_register_then_read_a_mail_item_with_its_etag(api, employee):
    client = ClientFactory(first_name="Anna", last_name="Nowak")
    response = api.post("/api/mail", {"client": client.pk, "sender": "ZUS", "kind": "registered"}, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["client"], body["client_name"], body["sender"], body["kind"]) == (client.pk, "Anna Nowak", "ZUS",
                                                                                  "registered")  # fmt: skip
    assert (body["status"], body["received_on"], body["has_scan"]) == ("received", str(timezone.localdate()), False)
    read = api.get(f"/api/mail/{body['id']}")
    assert read.status_code == 200
    assert read["ETag"] == f'"{body["id"]}-1"'


def test_bad_fields_get_a_message_each_and_nothing_is_saved(api):
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = api.post(
        "/api/mail", {"client": ClientFactory().pk, "sender": " ", "received_on": future}, content_type=JSON
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"sender", "received_on"}
    assert not MailItem.objects.exists()


def test_the_list_filters_by_client_status_type_and_days_like_the_page(api):
    client = ClientFactory(status="inactive", archived_at=timezone.now())  # archived clients too
    old = MailItemFactory(client=client, received_on=dt.date(2025, 1, 10), kind="parcel")
    new = MailItemFactory(client=client, received_on=dt.date(2025, 2, 10))
    MailItemFactory(received_on=dt.date(2025, 2, 11))
    assert _ids(api.get("/api/mail", {"client": client.pk})) == [new.pk, old.pk]
    assert _ids(api.get("/api/mail", {"client": client.pk, "kind": "parcel"})) == [old.pk]
    assert _ids(api.get("/api/mail", {"received_from": "2025-02-01", "received_to": "2025-02-10"})) == [new.pk]
    assert _ids(api.get("/api/mail", {"status": "collected"})) == []
    assert api.get("/api/mail", {"client": client.pk, "count": "true"}).json()["count"] == 2


def test_the_list_pages_by_cursor_in_a_fixed_number_of_queries(api):
    items = [MailItemFactory(received_on=dt.date(2025, 1, 1) + dt.timedelta(days=i)) for i in range(7)]
    first = api.get("/api/mail", {"limit": 3})
    assert _ids(first) == [i.pk for i in reversed(items)][:3]
    with CaptureQueriesContext(connection) as queries:
        second = api.get("/api/mail", {"limit": 3, "cursor": first.json()["next_cursor"]})
    assert _ids(second) == [i.pk for i in reversed(items)][3:6]
    assert len(queries) <= 5  # token, user, permissions, the page (clients joined)


def test_a_cursor_the_list_did_not_give_finds_no_page_and_an_unknown_filter_is_refused(api):
    assert api.get("/api/mail", {"cursor": "bm9wZQ"}).status_code == 404
    response = api.get("/api/mail", {"clinet": "1"})
    assert response.status_code == 422
    assert "clinet" in response.json()["errors"]


def test_collect_refuses_a_person_who_may_not_with_a_message_for_the_field(api):
    item = MailItemFactory()
    person = ContactPersonFactory(client=item.client, may_collect_mail=False)
    response = api.post(f"/api/mail/{item.pk}/collect", {"contact": person.pk}, content_type=JSON)
    assert response.status_code == 409
    assert list(response.json()["errors"]) == ["contact"]
    other = ContactPersonFactory(may_collect_mail=True)
    response = api.post(f"/api/mail/{item.pk}/collect", {"contact": other.pk}, content_type=JSON)
    assert response.status_code == 409
    item.refresh_from_db()
    assert item.status == "received"


def test_collect_with_if_match_hands_the_mail_over_and_a_stale_tag_is_412(api):
    item = MailItemFactory()
    person = ContactPersonFactory(client=item.client, may_collect_mail=True)
    stale = api.post(f"/api/mail/{item.pk}/collect", {"contact": person.pk}, content_type=JSON,
                     headers={"If-Match": f'"{item.pk}-7"'})  # fmt: skip
    assert stale.status_code == 412
    done = api.post(f"/api/mail/{item.pk}/collect", {"contact": person.pk}, content_type=JSON,
                    headers={"If-Match": f'"{item.pk}-1"'})  # fmt: skip
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["collected_by"]) == ("collected", person.pk)
    assert done["ETag"] == f'"{item.pk}-2"'
    again = api.post(f"/api/mail/{item.pk}/collect", {"contact": person.pk}, content_type=JSON)
    assert again.status_code == 409


def test_forward_and_patch(api):
    item = MailItemFactory()
    patched = api.patch(f"/api/mail/{item.pk}", {"note": "polecony"}, content_type=JSON)
    assert patched.status_code == 200
    assert patched.json()["note"] == "polecony"
    response = api.post(f"/api/mail/{item.pk}/forward", {"forwarded_to": "ul. Długa 1\nKraków"}, content_type=JSON)
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["forwarded_on"]) == ("forwarded", str(timezone.localdate()))


def test_a_scan_uploaded_by_multipart_downloads_with_its_real_type_and_an_executable_is_refused(api):
    item = MailItemFactory()
    refused = api.post(f"/api/mail/{item.pk}/scan", {"file": SimpleUploadedFile("x.pdf", ELF, "application/pdf")})
    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["scan"]
    assert api.get(f"/api/mail/{item.pk}/scan").status_code == 404
    uploaded = api.post(f"/api/mail/{item.pk}/scan", {"file": SimpleUploadedFile("list.png", pdf_bytes(), "image/png")})
    assert uploaded.status_code == 200, uploaded.content
    assert (uploaded.json()["scan_type"], uploaded.json()["scan_name"]) == ("application/pdf", "list.pdf")
    download = api.get(f"/api/mail/{item.pk}/scan")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert 'filename="list.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == pdf_bytes()


def test_deleting_is_for_managers(api, manager):
    item = MailItemFactory()
    assert api.delete(f"/api/mail/{item.pk}").status_code == 403
    assert token_client(manager).delete(f"/api/mail/{item.pk}").status_code == 204
    assert not MailItem.objects.exists()


def test_the_documented_sort_names_are_the_filters(db):
    assert set(typing.get_args(SortName)) == {name for key in SORTS for name in (key, f"-{key}")}


def test_the_openapi_document_allows_received_days_up_to_today_only(api):
    schema = api.get("/api/openapi.json").json()
    received = schema["components"]["schemas"]["MailCreateIn"]["properties"]["received_on"]
    import re

    pattern = re.compile(received["pattern"])
    assert pattern.match(timezone.localdate().isoformat())
    assert not pattern.match((timezone.localdate() + dt.timedelta(days=1)).isoformat())
    assert "/api/mail/{mail_id}/scan" not in schema["paths"]  # upload and download: docs/api.md


def test_a_null_or_empty_day_or_type_is_refused_where_the_document_says_so(api):
    client = ClientFactory()
    response = api.post("/api/mail", {"client": client.pk, "sender": "A", "kind": None}, content_type=JSON)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["kind"]
    item = MailItemFactory()
    response = api.post(
        f"/api/mail/{item.pk}/forward", {"forwarded_to": "Kraków", "forwarded_on": None}, content_type=JSON
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["forwarded_on"]
    item.refresh_from_db()
    assert item.status == "received"
    response = api.post(
        f"/api/mail/{item.pk}/forward", {"forwarded_to": "Kraków", "forwarded_on": ""}, content_type=JSON
    )
    assert list(response.json()["errors"]) == ["forwarded_on"]
    response = api.post("/api/mail", {"client": client.pk, "sender": "A", "received_on": ""}, content_type=JSON)
    assert list(response.json()["errors"]) == ["received_on"]
