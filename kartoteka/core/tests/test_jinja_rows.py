"""The Jinja2 environment of list rows (core/jinja.py): autoescaped and strict, whatever the
settings or Django's backend defaults say."""

import jinja2
import pytest
from django.template import engines
from django.template.backends.jinja2 import Jinja2
from django.urls import reverse

from kartoteka.clients.tests.factories import ClientFactory

XSS = "<img src=x onerror=alert(1)>"


def test_the_row_environment_is_autoescaped_and_strict_even_when_options_say_otherwise(settings):
    settings.DEBUG = True  # Django's backend would pick DebugUndefined
    backend = Jinja2(
        {
            "NAME": "rows-test",
            "DIRS": [],
            "APP_DIRS": True,
            "OPTIONS": {"environment": "kartoteka.core.jinja.environment", "autoescape": False},
        }
    )
    assert backend.env.autoescape is True
    assert backend.env.undefined is jinja2.StrictUndefined


def test_a_cell_referencing_an_undefined_name_raises():
    with pytest.raises(jinja2.UndefinedError):
        engines["jinja2"].from_string("<td>{{ row.full_name }}{{ misspelt }}</td>").render({"row": {}})


@pytest.mark.django_db
def test_a_name_with_markup_is_escaped_in_the_list_rows(employee_client):
    ClientFactory(first_name=XSS, last_name="Kowalski")
    for headers in ({}, {"HX-Request": "true"}):
        page = employee_client.get(reverse("clients:list"), headers=headers)
        html = page.content.decode()
        assert page.status_code == 200
        assert XSS not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
