"""The Contact persons tab and its dialogs as a browser (or htmx) calls them."""

import pytest
from django.utils import timezone

from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.contacts.models import ContactPerson
from kartoteka.contacts.tests.factories import ContactPersonFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
NEW = {"first_name": "Anna", "last_name": "Nowak", "email": "anna@example.pl", "may_collect_mail": "on"}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_the_list_rows_options_menu_opens_the_contact_persons_tab(employee_client):
    client = ClientFactory()
    html = employee_client.get("/clients/").content.decode()
    menu = html.split('id="row-menu"', 1)[1].split("</ul>", 1)[0]
    assert 'data-href="/clients/987654321/contacts/" data-menu-tab="contacts"' in menu  # the row's id goes in
    assert "Show contact persons" in menu
    assert 'data-menu-tab="notes"' in menu
    assert 'data-menu-tab="history"' in menu
    page = employee_client.get(f"/clients/{client.pk}/contacts/")
    assert page.status_code == 200
    assert 'data-tab="contacts" aria-current="page"' in page.content.decode()


def test_the_menu_offers_only_the_tabs_the_user_may_see(client, outsider):
    from django.contrib.auth.models import Permission

    ClientFactory()
    outsider.user_permissions.add(Permission.objects.get(codename="view_client"))
    client.force_login(outsider)
    html = client.get("/clients/").content.decode()
    assert 'data-menu-tab="contacts"' not in html


def test_the_tab_shows_the_people_with_their_flags_as_icons(employee_client):
    contact = ContactPersonFactory(first_name="Jan", may_collect_mail=True, may_represent=False)
    html = employee_client.get(f"/clients/{contact.client_id}/contacts/").content.decode()
    row = html.split(f'data-contact-id="{contact.pk}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-flag="is_contact_person"' in row
    assert 'data-flag="may_collect_mail"' in row
    assert 'data-flag="may_represent"' not in row


def test_add_dialog_then_save_answers_htmx_with_the_refreshed_list(employee_client):
    client = ClientFactory()
    dialog = employee_client.get(f"/clients/{client.pk}/contacts/add/", headers=HTMX)
    assert 'class="modal fade"' in dialog.content.decode()
    saved = employee_client.post(f"/clients/{client.pk}/contacts/add/", NEW, headers=HTMX)
    assert saved.status_code == 200
    assert saved["HX-Retarget"] == "#contact-list"
    assert saved["HX-Trigger"] == "kt-dialog-done"
    contact = ContactPerson.objects.get()
    assert f'data-contact-id="{contact.pk}"' in saved.content.decode()
    assert contact.may_collect_mail
    assert contact.is_contact_person is False


def test_a_failed_save_shows_the_form_again_with_messages_and_stores_nothing(employee_client):
    client = ClientFactory()
    response = employee_client.post(
        f"/clients/{client.pk}/contacts/add/", {**NEW, "phone": "123", "last_name": ""}, headers=HTMX
    )
    html = response.content.decode()
    assert "HX-Retarget" not in response
    assert 'id="contact-form"' in html
    assert "modal fade" not in html
    assert "Enter a valid phone number" in html
    assert "This field is required." in html
    assert 'value="anna@example.pl"' in html  # what was typed stays
    assert not ContactPerson.objects.exists()


def test_without_javascript_the_dialogs_are_pages_and_saving_redirects_to_the_tab(employee_client):
    client = ClientFactory()
    page = employee_client.get(f"/clients/{client.pk}/contacts/add/")
    assert "<html" in page.content.decode()
    response = employee_client.post(f"/clients/{client.pk}/contacts/add/", NEW)
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{client.pk}/contacts/"


def test_edit_and_remove_through_their_dialogs(employee_client):
    contact = ContactPersonFactory(position="")
    base = f"/clients/{contact.client_id}/contacts/{contact.pk}"
    assert 'value="Jan"' in employee_client.get(f"{base}/edit/", headers=HTMX).content.decode()
    edited = employee_client.post(
        f"{base}/edit/", {"first_name": "Jan", "last_name": "Kowalski", "position": "CEO"}, headers=HTMX
    )
    assert "CEO" in edited.content.decode()
    contact.refresh_from_db()
    assert contact.position == "CEO"
    assert "Remove Jan Kowalski" in employee_client.get(f"{base}/delete/", headers=HTMX).content.decode()
    removed = employee_client.post(f"{base}/delete/", headers=HTMX)
    assert removed["HX-Retarget"] == "#contact-list"
    assert not ContactPerson.objects.exists()


def test_a_contact_person_of_another_client_is_404(employee_client):
    contact = ContactPersonFactory()
    other = ClientFactory()
    assert employee_client.get(f"/clients/{other.pk}/contacts/{contact.pk}/edit/").status_code == 404
    assert employee_client.post(f"/clients/{other.pk}/contacts/{contact.pk}/delete/").status_code == 404
    assert ContactPerson.objects.exists()


def test_an_archived_clients_tab_is_read_only(employee_client):
    client = ClientFactory(status="inactive", archived_at=timezone.now())
    contact = ContactPersonFactory(client=client)
    html = employee_client.get(f"/clients/{client.pk}/contacts/").content.decode()
    assert 'id="add-contact"' not in html
    assert "data-contact-action" not in html
    response = employee_client.post(f"/clients/{client.pk}/contacts/{contact.pk}/delete/")
    assert response.status_code == 302
    assert ContactPerson.objects.exists()


def test_an_outsider_gets_403(client, outsider):
    contact = ContactPersonFactory()
    client.force_login(outsider)
    assert client.get(f"/clients/{contact.client_id}/contacts/add/").status_code == 403
    assert client.post(f"/clients/{contact.client_id}/contacts/{contact.pk}/delete/").status_code == 403
    assert ContactPerson.objects.exists()


def test_the_history_tab_names_contact_person_events(employee_client):
    client = ClientFactory()
    employee_client.post(f"/clients/{client.pk}/contacts/add/", NEW)
    html = employee_client.get(f"/clients/{client.pk}/history/").content.decode()
    assert "Contact person added: Anna Nowak" in html
    assert "May collect mail" in html  # the field's label, not its name


def test_the_desk_check_on_the_tab_answers_in_plain_words(employee_client):
    contact = ContactPersonFactory(may_collect_mail=True)
    url = f"/clients/{contact.client_id}/mail-pickup-check/"
    allowed = employee_client.post(url, {"name": "kowalski JAN"}, headers=HTMX).content.decode()
    assert 'data-result="allowed"' in allowed
    assert "May collect" in allowed
    unknown = employee_client.post(url, {"name": "Adam Kowalski"}, headers=HTMX).content.decode()
    assert 'data-result="unknown"' in unknown
    assert "No such contact person" in unknown
    invalid = employee_client.post(url, {"name": " "}, headers=HTMX).content.decode()
    assert 'data-result="invalid"' in invalid
    page = employee_client.post(url, {"name": "Jan Kowalski"})  # without JavaScript: the tab with the answer
    assert 'data-result="allowed"' in page.content.decode()
    assert "<html" in page.content.decode()


def test_the_tab_costs_a_fixed_number_of_queries_whatever_the_number_of_people(
    employee_client, django_assert_max_num_queries
):
    client = ClientFactory()
    ContactPersonFactory.create_batch(3, client=client)
    with django_assert_max_num_queries(20) as few:
        employee_client.get(f"/clients/{client.pk}/contacts/")
    ContactPersonFactory.create_batch(30, client=client)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = employee_client.get(f"/clients/{client.pk}/contacts/").content.decode()
    assert html.count("data-contact-id=") == 33
