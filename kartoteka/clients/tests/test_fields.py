"""The one declaration of the editable client fields, and everything that reads it."""

import pytest
from django.db.models import CharField

from kartoteka.clients import fields
from kartoteka.clients.forms import ClientForm
from kartoteka.clients.models import Client
from kartoteka.clients.schemas import ClientIn, ClientOut
from kartoteka.clients.search import search_text_for
from kartoteka.clients.templatetags.client_history import client_field_label


@pytest.mark.parametrize("declared", fields.CLIENT_FIELDS, ids=lambda f: f.name)
def test_the_declaration_matches_the_models_column(declared):
    column = Client._meta.get_field(declared.name)
    assert isinstance(column, CharField)
    assert column.max_length == declared.max_length
    assert column.blank == (not declared.required)


def test_the_form_and_the_api_carry_every_declared_field():
    assert list(ClientForm.base_fields)[: len(fields.EDITABLE)] == list(fields.EDITABLE)
    assert set(fields.EDITABLE) <= set(ClientIn.model_fields)
    assert set(fields.EDITABLE) <= set(ClientOut.model_fields)
    required = {name for name, field in ClientForm.base_fields.items() if field.required}
    assert required == {f.name for f in fields.CLIENT_FIELDS if f.required}


def test_only_the_searchable_fields_reach_the_search_text():
    values = {f.name: f"x{f.name.replace('_', '')}" for f in fields.CLIENT_FIELDS}
    text = search_text_for(values)
    for declared in fields.CLIENT_FIELDS:
        assert (f"x{declared.name.replace('_', '')}" in text) == declared.searchable, declared.name


def test_personal_data_is_every_personal_field_and_its_derived_copies():
    assert set(Client.PERSONAL_FIELDS) == {f.name for f in fields.CLIENT_FIELDS if f.personal} | {
        "search_text",
        "sort_name",
    }
    assert "country" not in Client.PERSONAL_FIELDS


def test_the_history_names_a_field_as_the_form_does(settings):
    settings.LANGUAGE_CODE = "en"
    assert client_field_label("postal_code") == "Postal code"
    assert client_field_label("status") == "Status"
