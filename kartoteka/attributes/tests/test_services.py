"""Defining attributes, and a client's values through the client's own create / update."""

import datetime as dt
from decimal import Decimal

import pytest

from kartoteka.attributes.models import Attribute, AttributeOption, AttributeValue
from kartoteka.attributes.services import (
    CLEAR,
    DefinitionConflict,
    OptionIn,
    ValuesInUse,
    attribute_delete,
    attribute_update,
)
from kartoteka.attributes.tests.factories import make_attribute
from kartoteka.audit.models import AuditEvent
from kartoteka.clients import services
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.core.errors import PermissionDenied, ValidationError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _create(actor, **attributes):
    data = {"first_name": "Anna", "email": f"anna{len(attributes)}{id(attributes)}@example.pl"}
    return services.client_create(actor=actor, data=data, attributes=attributes)


def _values(client):
    return {v.attribute.key: v for v in AttributeValue.objects.filter(client=client).select_related("attribute")}


def _errors(exc_info):
    return exc_info.value.message_dict


# --- each type's values ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "given", "column", "stored"),
    [
        ("text", "  Stały klient ", "value_text", "Stały klient"),
        ("number", 12.5, "value_number", Decimal("12.5")),
        ("number", "1 250,75", "value_number", Decimal("1250.75")),
        ("number", -3, "value_number", Decimal(-3)),
        ("date", "2024-02-29", "value_date", dt.date(2024, 2, 29)),
        ("bool", True, "value_bool", True),
        ("bool", "nie", "value_bool", False),
    ],
)
def test_each_type_stores_its_value_in_its_own_column(administrator, kind, given, column, stored):
    make_attribute(administrator, "field", kind)
    client = _create(administrator, field=given)
    row = _values(client)["field"]
    assert getattr(row, column) == stored
    others = {"value_text", "value_number", "value_date", "value_bool"} - {column}
    assert all(getattr(row, other) is None for other in others)
    assert row.option_id is None


@pytest.mark.parametrize(
    ("kind", "given", "message"),
    [
        ("text", "a\x00b", "Remove the control characters"),
        ("text", "x" * 501, "Use at most 500 characters."),
        ("text", 12, "Enter text."),
        ("number", "12 zł", "Enter a number, e.g. 12 or 12.5."),
        ("number", True, "Enter a number, e.g. 12 or 12.5."),
        ("number", "1e400", "Enter a number, e.g. 12 or 12.5."),
        ("number", 10**15, "Enter a number smaller than"),
        ("number", "0.1234567", "Use at most 6 decimal places."),
        ("date", "2024-02-30", "Enter a date as YYYY-MM-DD."),
        ("date", "29.02.2024", "Enter a date as YYYY-MM-DD."),
        ("date", "1899-12-31", "Enter a date from 1900-01-01 to 2999-12-31."),
        ("bool", "maybe", "Choose yes or no (true or false)."),
        ("bool", 1, "Choose yes or no (true or false)."),
        ("choice", "Hurt", "Choose one of: Handel, Usługi."),
        ("choice", ["Handel"], "Choose one of: Handel, Usługi."),
        ("multi", ["Handel", "Hurt"], "Choose one of: Handel, Usługi."),
    ],
)
def test_a_bad_value_is_refused_with_a_message_on_its_attribute_and_nothing_is_saved(
    administrator, kind, given, message
):
    options = ("Handel", "Usługi") if kind in ("choice", "multi") else ()
    make_attribute(administrator, "field", kind, options=options)
    with pytest.raises(ValidationError) as exc:
        _create(administrator, field=given)
    assert message in _errors(exc)["attributes.field"][0]
    assert not AttributeValue.objects.exists()
    assert not AuditEvent.objects.filter(event_type="clients.client.created").exists()


def test_bad_client_fields_and_bad_attributes_are_reported_together(administrator):
    make_attribute(administrator, "employees", "number")
    with pytest.raises(ValidationError) as exc:
        services.client_create(
            actor=administrator, data={"first_name": "", "email": "x"}, attributes={"employees": "many", "nope": 1}
        )
    errors = _errors(exc)
    assert {"first_name", "email", "attributes.employees", "attributes.nope"} <= set(errors)


def test_list_values_are_stored_by_option_id_and_in_the_options_order(administrator):
    make_attribute(administrator, "segment", "choice", options=("Handel", "Usługi"))
    make_attribute(administrator, "channels", "multi", options=("E-mail", "Telefon", "Poczta"))
    client = _create(administrator, segment="usługi", channels=["Poczta", "e-mail", "Poczta"])
    options = dict(AttributeOption.objects.values_list("label", "id"))
    rows = AttributeValue.objects.filter(client=client)
    assert set(rows.values_list("option_id", flat=True)) == {options["Usługi"], options["E-mail"], options["Poczta"]}
    from kartoteka.attributes.selectors import attribute_json

    assert attribute_json(client) == {"segment": "Usługi", "channels": ["E-mail", "Poczta"]}


def test_required_attributes_are_enforced_on_create_and_on_a_full_edit(administrator):
    make_attribute(administrator, "segment", "choice", options=("Handel",), required=True)
    with pytest.raises(ValidationError) as exc:
        _create(administrator)
    assert _errors(exc)["attributes.segment"] == ["This attribute is required."]
    client = _create(administrator, segment="Handel")
    with pytest.raises(ValidationError) as exc:
        services.client_update(
            actor=administrator, client=client, data={}, attributes={"segment": ""}, replace_attributes=True
        )
    assert _errors(exc)["attributes.segment"] == ["This attribute is required."]
    with pytest.raises(ValidationError):  # a partial change may not clear it either
        services.client_update(actor=administrator, client=client, data={}, attributes={"segment": None})
    # A partial change of other things leaves it alone.
    services.client_update(actor=administrator, client=client, data={"city": "Kraków"})
    assert _values(client)["segment"].option.label == "Handel"


def test_an_attribute_change_alone_raises_the_version_and_is_in_the_history(administrator):
    make_attribute(administrator, "employees", "number", name="Liczba pracowników")
    client = _create(administrator, employees=5)
    updated = services.client_update(
        actor=administrator, client=client, data={}, attributes={"employees": 8}, expected_version=client.version
    )
    assert updated.version == client.version + 1
    event = AuditEvent.objects.filter(event_type="clients.client.updated").get()
    assert event.changes == {"Liczba pracowników": ["5", "8"]}
    with pytest.raises(services.StaleEdit):  # the edit opened before it is refused
        services.client_update(
            actor=administrator, client=client, data={}, attributes={"employees": 9}, expected_version=client.version
        )
    assert _values(client)["employees"].value_number == 8


def test_an_unchanged_value_writes_nothing(administrator):
    make_attribute(administrator, "employees", "number")
    client = _create(administrator, employees="5.0")
    same = services.client_update(actor=administrator, client=client, data={}, attributes={"employees": 5})
    assert same.version == client.version


# --- definitions -------------------------------------------------------------------------------


def test_only_administrators_define_attributes(manager):
    with pytest.raises(PermissionDenied):
        make_attribute(manager, "segment", "text")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "key": "a", "type": "text"}, "name", "Enter a name."),
        ({"name": "A", "key": "Zły klucz", "type": "text"}, "key", "Use a-z, digits and _"),
        ({"name": "A", "key": "a", "type": "colour"}, "type", "Choose one of:"),
        ({"name": "A", "key": "a", "type": "text", "position": "first"}, "position", "Enter a whole number"),
    ],
)
def test_a_bad_definition_gets_a_message_per_field(administrator, data, field, message):
    from kartoteka.attributes.services import attribute_create

    with pytest.raises(ValidationError) as exc:
        attribute_create(actor=administrator, data=data)
    assert message in _errors(exc)[field][0]


def test_names_and_keys_are_unique_and_the_type_stays(administrator):
    attribute = make_attribute(administrator, "segment", "text", name="Segment")
    with pytest.raises(DefinitionConflict) as exc:
        make_attribute(administrator, "segment2", "text", name="SEGMENT")
    assert exc.value.field == "name"
    with pytest.raises(DefinitionConflict) as exc:
        make_attribute(administrator, "segment", "number", name="Inny")
    assert exc.value.field == "key"
    with pytest.raises(DefinitionConflict) as exc:
        attribute_update(actor=administrator, attribute=attribute, data={"type": "number"})
    assert exc.value.field == "type"


def test_renaming_an_attribute_or_a_value_keeps_the_clients_values(administrator):
    attribute = make_attribute(administrator, "segment", "choice", options=("Handel", "Usługi"), name="Segment")
    client = _create(administrator, segment="Handel")
    handel = AttributeOption.objects.get(label="Handel")
    uslugi = AttributeOption.objects.get(label="Usługi")
    attribute_update(
        actor=administrator,
        attribute=attribute,
        data={"name": "Branża", "options": [OptionIn("Usługi", handel.pk), OptionIn("Handel", uslugi.pk)]},
    )
    from kartoteka.attributes.selectors import attribute_json

    assert attribute_json(client) == {"segment": "Usługi"}  # the same option, now called so
    assert _values(client)["segment"].option_id == handel.pk
    assert Attribute.objects.get().name == "Branża"


def test_removing_a_value_in_use_asks_and_then_moves_or_clears_the_clients(administrator):
    attribute = make_attribute(administrator, "segment", "choice", options=("Handel", "Usługi", "IT"))
    ids = dict(AttributeOption.objects.values_list("label", "id"))
    trade = [_create(administrator, segment="Handel") for _n in range(3)]
    it = _create(administrator, segment="IT")
    versions = {c.pk: c.version for c in [*trade, it]}
    kept = [OptionIn("Usługi", ids["Usługi"])]
    with pytest.raises(ValuesInUse) as exc:
        attribute_update(actor=administrator, attribute=attribute, data={"options": kept})
    assert exc.value.in_use == {ids["Handel"]: 3, ids["IT"]: 1}
    assert AttributeOption.objects.count() == 3  # nothing changed
    attribute_update(
        actor=administrator,
        attribute=attribute,
        data={"options": kept},
        removals={ids["Handel"]: ids["Usługi"], ids["IT"]: CLEAR},
    )
    assert all(_values(c)["segment"].option_id == ids["Usługi"] for c in trade)
    assert "segment" not in _values(it)
    assert list(AttributeOption.objects.values_list("label", flat=True)) == ["Usługi"]
    from kartoteka.clients.models import Client

    assert all(c.version == versions[c.pk] + 1 for c in Client.objects.all())  # open edits are stale


def test_moving_values_of_a_several_attribute_keeps_one_row_per_client(administrator):
    attribute = make_attribute(administrator, "channels", "multi", options=("E-mail", "Poczta"))
    ids = dict(AttributeOption.objects.values_list("label", "id"))
    both = _create(administrator, channels=["E-mail", "Poczta"])
    attribute_update(
        actor=administrator,
        attribute=attribute,
        data={"options": [OptionIn("E-mail", ids["E-mail"])]},
        removals={ids["Poczta"]: ids["E-mail"]},
    )
    assert list(AttributeValue.objects.filter(client=both).values_list("option_id", flat=True)) == [ids["E-mail"]]


def test_deleting_an_attribute_removes_its_values_only(administrator):
    segment = make_attribute(administrator, "segment", "text")
    make_attribute(administrator, "city_size", "number")
    client = _create(administrator, segment="A", city_size=3)
    attribute_delete(actor=administrator, attribute=segment)
    assert set(_values(client)) == {"city_size"}


def test_permanent_delete_and_anonymisation_policies_cover_the_values(administrator):
    from kartoteka.core.relations import OnAnonymise, OnDelete, client_relations

    relation = next(r for r in client_relations() if r.model is AttributeValue)
    assert relation.declaration is not None
    assert relation.on_delete == OnDelete.DELETE
    assert relation.declaration.on_anonymise == OnAnonymise.DELETE
    make_attribute(administrator, "segment", "text")
    client = _create(administrator, segment="A")
    services.client_archive(actor=administrator, client=client)
    services.client_delete(actor=administrator, client=client)
    assert not AttributeValue.objects.exists()


def test_another_clients_values_are_untouched(administrator):
    make_attribute(administrator, "segment", "text")
    other = _create(administrator, segment="B")
    client = ClientFactory()
    services.client_update(actor=administrator, client=client, data={}, attributes={"segment": "A"})
    assert _values(other)["segment"].value_text == "B"
