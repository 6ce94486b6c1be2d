"""The web UI: Ustawienia → Cechy klientów, the client form's section and the client's page."""

import pytest
from django.urls import reverse

from kartoteka.attributes.models import Attribute, AttributeOption, AttributeValue
from kartoteka.attributes.tests.factories import make_attribute
from kartoteka.clients.models import Client
from kartoteka.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_settings_lists_the_page_for_administrators(admin_client_):
    assert reverse("attributes:list") in admin_client_.get(reverse("settings")).content.decode()


def test_managers_may_not_open_it(manager_client):
    assert manager_client.get(reverse("attributes:list")).status_code == 403


def test_an_administrator_defines_a_list_attribute(admin_client_):
    response = admin_client_.post(
        reverse("attributes:create"),
        {"name": "Segment rynku", "key": "segment", "type": "choice", "new_options": "Handel\n\nIT\n", "position": "1"},
    )
    assert response.status_code == 302
    attribute = Attribute.objects.get()
    assert (attribute.name, attribute.key, attribute.type) == ("Segment rynku", "segment", "choice")
    assert list(attribute.options.values_list("label", flat=True)) == ["Handel", "IT"]
    page = admin_client_.get(reverse("attributes:list")).content.decode()
    assert "Segment rynku" in page


def test_bad_definitions_are_shown_on_their_fields(admin_client_, administrator):
    make_attribute(administrator, "segment", "text")
    page = admin_client_.post(reverse("attributes:create"), {"name": "", "key": "segment", "type": "text"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Enter a name." in text
    page = admin_client_.post(reverse("attributes:create"), {"name": "Inny", "key": "segment", "type": "text"})
    assert "This key is already taken." in page.content.decode()
    assert Attribute.objects.count() == 1


def test_renaming_a_value_in_the_form_keeps_the_clients(admin_client_, administrator):
    attribute = make_attribute(administrator, "segment", "choice", options=("Handel", "IT"))
    handel, it = attribute.options.all()
    client = ClientFactory()
    AttributeValue.objects.create(client=client, attribute=attribute, option=handel)
    response = admin_client_.post(
        reverse("attributes:edit", args=[attribute.pk]),
        {"name": "Segment", "key": "segment", f"option_{handel.pk}": "Sprzedaż", f"option_{it.pk}": "IT"},
    )
    assert response.status_code == 302
    assert AttributeOption.objects.get(values__client=client).label == "Sprzedaż"


def test_removing_a_value_in_use_asks_then_moves_the_clients(admin_client_, administrator):
    attribute = make_attribute(administrator, "segment", "choice", options=("Handel", "IT"))
    handel, it = attribute.options.all()
    clients = [ClientFactory() for _n in range(2)]
    for client in clients:
        AttributeValue.objects.create(client=client, attribute=attribute, option=handel)
    form = {"name": "Segment", "key": "segment", f"option_{handel.pk}": "", f"option_{it.pk}": "IT"}
    asked = admin_client_.post(reverse("attributes:edit", args=[attribute.pk]), form)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert 'id="values-in-use"' in page
    assert "“Handel”: 2 clients" in page
    assert AttributeOption.objects.filter(pk=handel.pk).exists()  # nothing changed yet
    done = admin_client_.post(reverse("attributes:edit", args=[attribute.pk]), {**form, f"removal_{handel.pk}": it.pk})
    assert done.status_code == 302
    assert set(AttributeValue.objects.values_list("option_id", flat=True)) == {it.pk}
    assert not AttributeOption.objects.filter(pk=handel.pk).exists()


def test_deleting_an_attribute_says_how_many_clients_lose_it(admin_client_, administrator):
    attribute = make_attribute(administrator, "note", "text")
    AttributeValue.objects.create(client=ClientFactory(), attribute=attribute, value_text="x")
    page = admin_client_.get(reverse("attributes:delete", args=[attribute.pk])).content.decode()
    assert "1 client has a value of this attribute" in page
    assert admin_client_.post(reverse("attributes:delete", args=[attribute.pk])).status_code == 302
    assert not AttributeValue.objects.exists()


@pytest.fixture
def attributes(administrator):
    make_attribute(administrator, "segment", "choice", options=("Handel", "IT"), required=True, name="Segment")
    make_attribute(administrator, "employees", "number", name="Employees")
    make_attribute(administrator, "channels", "multi", options=("E-mail", "Poczta"), name="Channels")
    make_attribute(administrator, "vip", "bool", name="VIP")


CLIENT = {"first_name": "Anna", "email": "anna@example.pl", "country": "PL"}


def test_the_client_form_has_a_section_of_attributes_and_saves_them(employee_client, attributes):
    page = employee_client.get(reverse("clients:create")).content.decode()
    assert 'id="client-attributes"' in page
    assert 'name="attributes.employees"' in page
    it = AttributeOption.objects.get(label="IT")
    channels = list(AttributeOption.objects.filter(attribute__key="channels").values_list("id", flat=True))
    response = employee_client.post(
        reverse("clients:create"),
        {**CLIENT, "attributes.segment": it.pk, "attributes.employees": "12,5", "attributes.channels": channels,
         "attributes.vip": "yes"},
    )  # fmt: skip
    assert response.status_code == 302
    client = Client.objects.get()
    detail = employee_client.get(reverse("clients:detail", args=[client.pk])).content.decode()
    assert 'id="client-attributes"' in detail
    for shown in ("IT", "12.5", "E-mail, Poczta", "yes"):
        assert shown in detail


def test_the_client_form_shows_each_bad_attribute_and_a_missing_required_one(employee_client, attributes):
    response = employee_client.post(reverse("clients:create"), {**CLIENT, "attributes.employees": "dużo"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "This attribute is required." in page
    assert "Enter a number, e.g. 12 or 12.5." in page
    assert 'value="dużo"' in page  # the user's input stays
    assert not Client.objects.exists()


def test_editing_keeps_and_changes_attributes(employee_client, administrator, attributes):
    from kartoteka.clients import services

    client = services.client_create(
        actor=administrator,
        data={"first_name": "Anna", "email": "anna@example.pl"},
        attributes={"segment": "Handel", "employees": 3},
    )
    form = employee_client.get(reverse("clients:edit", args=[client.pk])).content.decode()
    assert 'name="attributes.employees" id="id_attributes.employees" value="3"' in form
    handel = AttributeOption.objects.get(label="Handel")
    response = employee_client.post(
        reverse("clients:edit", args=[client.pk]),
        {**CLIENT, "attributes.segment": handel.pk, "attributes.employees": "", "version": client.version},
    )
    assert response.status_code == 302
    assert list(AttributeValue.objects.filter(client=client).values_list("attribute__key", flat=True)) == ["segment"]


def test_the_list_offers_the_attribute_filter_and_keeps_its_conditions(employee_client, attributes):
    page = employee_client.get(reverse("clients:list"), {"attr.vip": "true"}).content.decode()
    assert 'id="attribute-filter"' in page
    assert 'name="attr.vip" value="true" data-attribute-condition' in page
    assert 'data-filter="attr.vip"' in page
