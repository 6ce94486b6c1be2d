"""Two people editing one contact person: the second save on a stale copy is refused, never lost
(ETag / If-Match on the API, the dialog's "changed meanwhile" on the web), as for clients and cases."""

import json

import pytest

from kartoteka.api.tests.client import token_client
from kartoteka.contacts import services
from kartoteka.contacts.models import ContactPerson
from kartoteka.contacts.tests.factories import ContactPersonFactory

pytestmark = pytest.mark.django_db
JSON = "application/json"
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def api(employee):
    return token_client(employee)


def test_every_change_raises_the_version_and_a_stale_one_is_refused(employee):
    contact = ContactPersonFactory()
    services.contact_update(actor=employee, contact=contact, data={"position": "Prezes"})
    assert ContactPerson.objects.get(pk=contact.pk).version == 2
    stale = ContactPerson.objects.get(pk=contact.pk)
    services.contact_update(
        actor=employee, contact=ContactPerson.objects.get(pk=contact.pk), data={"phone": "600100200"}
    )
    with pytest.raises(services.StaleContact):
        services.contact_update(actor=employee, contact=stale, data={"position": "Księgowa"})
    with pytest.raises(services.StaleContact):
        services.contact_delete(actor=employee, contact=stale)
    current = ContactPerson.objects.get(pk=contact.pk)
    assert (current.position, current.phone, current.version) == ("Prezes", "+48600100200", 3)


def test_the_api_sends_an_etag_and_honours_if_match(api):
    contact = ContactPersonFactory()
    url = f"/api/contacts/{contact.pk}"
    read = api.get(url)
    assert read["ETag"] == f'"{contact.pk}-1"'
    assert read.json()["version"] == 1
    changed = api.patch(url, json.dumps({"position": "Prezes"}), content_type=JSON, headers={"If-Match": read["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] == f'"{contact.pk}-2"'
    stale = api.patch(url, json.dumps({"position": "Kierowca"}), content_type=JSON, headers={"If-Match": read["ETag"]})
    assert stale.status_code == 412
    assert stale["ETag"] == f'"{contact.pk}-2"'
    assert "changed this contact person meanwhile" in stale.json()["detail"]
    assert api.delete(url, headers={"If-Match": read["ETag"]}).status_code == 412
    assert ContactPerson.objects.get(pk=contact.pk).position == "Prezes"
    assert api.delete(url, headers={"If-Match": changed["ETag"]}).status_code == 204
    assert not ContactPerson.objects.exists()


def test_a_patch_without_if_match_applies_to_the_current_version(api):
    contact = ContactPersonFactory()
    response = api.patch(f"/api/contacts/{contact.pk}", json.dumps({"position": "Prezes"}), content_type=JSON)
    assert response.status_code == 200
    assert response["ETag"] == f'"{contact.pk}-2"'


@pytest.mark.parametrize("value", [None, 0, 1, "true", "yes", ""])
def test_a_flag_takes_true_or_false_only(api, value):
    contact = ContactPersonFactory(may_collect_mail=True)
    response = api.patch(f"/api/contacts/{contact.pk}", json.dumps({"may_collect_mail": value}), content_type=JSON)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["may_collect_mail"]
    assert ContactPerson.objects.get(pk=contact.pk).may_collect_mail is True


def test_the_dialog_says_someone_changed_the_person_meanwhile_and_keeps_what_was_typed(employee_client, employee):
    contact = ContactPersonFactory(position="")
    url = f"/clients/{contact.client_id}/contacts/{contact.pk}/edit/"
    opened = employee_client.get(url, headers=HTMX).content.decode()
    assert 'name="version" value="1"' in opened
    services.contact_update(actor=employee, contact=contact, data={"last_name": "Kowalski-Nowak"})  # someone else
    mine = {"first_name": "Jan", "last_name": "Kowalski", "position": "Prezes", "version": "1"}
    refused = employee_client.post(url, mine, headers=HTMX).content.decode()
    assert "changed this contact person meanwhile" in refused
    assert "<strong>Last name</strong>: Kowalski-Nowak" in refused  # what it says now
    assert 'value="Prezes"' in refused  # what I typed stays
    assert 'name="version" value="2"' in refused
    assert ContactPerson.objects.get(pk=contact.pk).position == ""
    saved = employee_client.post(url, {**mine, "version": "2"}, headers=HTMX)  # Save again: mine wins, knowingly
    assert saved["HX-Trigger"] == "kt-dialog-done"
    assert (ContactPerson.objects.get(pk=contact.pk).last_name, ContactPerson.objects.get(pk=contact.pk).position) == (
        "Kowalski",
        "Prezes",
    )


def test_removing_a_person_changed_meanwhile_asks_again(employee_client, employee):
    contact = ContactPersonFactory()
    url = f"/clients/{contact.client_id}/contacts/{contact.pk}/delete/"
    services.contact_update(actor=employee, contact=contact, data={"position": "Prezes"})
    refused = employee_client.post(url, {"version": "1"}, headers=HTMX).content.decode()
    assert "changed this contact person meanwhile" in refused
    assert 'name="version" value="2"' in refused
    assert ContactPerson.objects.exists()
    assert employee_client.post(url, {"version": "2"}, headers=HTMX)["HX-Trigger"] == "kt-dialog-done"
    assert not ContactPerson.objects.exists()


@pytest.mark.parametrize("version", ["99999999999999999999", "-5", "²", "abc"])
def test_a_tampered_version_reads_as_changed_meanwhile_never_a_500(employee_client, version):
    contact = ContactPersonFactory(position="")
    base = f"/clients/{contact.client_id}/contacts/{contact.pk}"
    edited = employee_client.post(
        f"{base}/edit/",
        {"first_name": "Jan", "last_name": "Kowalski", "position": "X", "version": version},
        headers=HTMX,
    )
    assert "changed this contact person meanwhile" in edited.content.decode()
    removed = employee_client.post(f"{base}/delete/", {"version": version}, headers=HTMX)
    assert "changed this contact person meanwhile" in removed.content.decode()
    assert ContactPerson.objects.get(pk=contact.pk).position == ""


def test_the_desk_check_on_the_web_answers_with_the_services_messages(employee_client):
    contact = ContactPersonFactory()
    url = f"/clients/{contact.client_id}/mail-pickup-check/"
    too_long = employee_client.post(url, {"name": "a" * 500}, headers=HTMX).content.decode()
    assert "Use at most 201 characters." in too_long  # as the API says it
    spaces = employee_client.post(url, {"name": "    "}, headers=HTMX).content.decode()
    assert "Enter the person&#x27;s first and last name." in spaces
