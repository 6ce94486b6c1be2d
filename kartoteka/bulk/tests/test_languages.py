"""The texts of bulk actions' parameters are lazy: each request reads them in its own language,
whatever the language of the request that first imported the bulk API."""

import pytest
from django.conf import settings
from django.test import Client as HttpClient

from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory

pytestmark = pytest.mark.django_db


def _group_parameter(language):
    document = HttpClient().get("/api/openapi.json", headers={"Accept-Language": language}).json()
    return document["components"]["schemas"]["Bulk_group_add_In"]["properties"]["group"]["description"]


def test_the_api_document_names_bulk_parameters_in_the_requests_language():
    assert [_group_parameter(lang) for lang in ("pl", "en", "pl")] == ["Grupa", "Group", "Grupa"]


def test_the_confirmation_page_names_bulk_parameters_in_the_users_language(manager_client):
    client, _group = ClientFactory(), ClientGroupFactory(name="VIP")
    pages = {}
    for language in ("en", "pl"):
        manager_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = manager_client.post("/clients/bulk/group_add/", {"list": "clients", "ids": [str(client.pk)]})
        assert page.status_code == 200
        pages[language] = page.content.decode()
    assert ">Group<" in pages["en"] or "Group</label>" in pages["en"]
    assert "Grupa</label>" in pages["pl"]
