"""The web forms give the same per-field messages as the API for stored text (issue 6, point 8)."""

import pytest
from django.urls import reverse

from kartoteka.clients.models import Client, ClientGroup
from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_the_groups_page_refuses_a_name_differing_only_by_case(manager_client):
    ClientGroupFactory(name="Żółw")
    response = manager_client.post(reverse("clients:sets", args=["groups"]), {"name": "ŻÓŁW", "color": "#112233"})
    assert response.context["form"].errors == {"name": ["This name is already taken."]}
    assert ClientGroup.objects.count() == 1


def test_the_groups_page_refuses_a_nul_with_the_services_message(manager_client):
    response = manager_client.post(reverse("clients:sets", args=["groups"]), {"name": "VIP\x00", "color": "#112233"})
    assert response.context["form"].errors == {
        "name": ["Remove the control characters (such as NUL, tabs or line breaks) from this text."]
    }


def test_the_client_form_refuses_a_nul_and_a_too_long_website_per_field(employee_client):
    data = {"first_name": "Anna", "email": "anna@example.pl", "city": "Łó\x00dź", "website": "a" * 400, "country": "PL"}
    response = employee_client.post(reverse("clients:create"), data)
    errors = response.context["form"].errors
    assert errors["city"] == ["Remove the control characters (such as NUL, tabs or line breaks) from this text."]
    assert errors["website"] == ["Use at most 300 characters."]
    assert not Client.objects.exists()


def test_a_note_of_only_nul_is_refused_in_the_form_too(employee_client):
    client = ClientFactory()
    response = employee_client.post(reverse("clients:note_create", args=[client.id]), {"text": "\x00"})
    assert response.context["form"].errors
    assert not client.notes.exists()
