"""Message templates run in a sandbox: only {{ client.<variable> }}, conditions and a few filters;
escapes, loops and unknown names are refused with the line, in English and Polish."""

from typing import Any

import pytest
from django.utils import translation

from kartoteka.messaging.templating import BODY_TEMPLATE_MAX, TemplateProblem, check_template, render_text
from kartoteka.messaging.variables import Variable, register_variable, variable_names

CLIENT = {"first_name": "Zażółć", "last_name": "Gęślą", "company": "Jaźń Sp. z o.o.", "city": "Łódź", "name": "Z G"}


def _render(source: str) -> str:
    return render_text(source, CLIENT, max_length=BODY_TEMPLATE_MAX)


def _problem(source: str) -> TemplateProblem:
    with pytest.raises(TemplateProblem) as caught:
        _render(source)
    return caught.value


def test_variables_conditions_and_filters_render_with_polish_letters():
    text = _render(
        "Dzień dobry {{ client.first_name }} {{ client.last_name|upper }},\n"
        "{% if client.company %}firma {{ client.company }}{% else %}osoba prywatna{% endif %}, {{ client.city }}"
    )
    assert text == "Dzień dobry Zażółć GĘŚLĄ,\nfirma Jaźń Sp. z o.o., Łódź"


@pytest.mark.parametrize(
    "source",
    [
        "{{ client.__class__ }}",
        "{{ ''.__class__.__mro__ }}",
        "{{ client.first_name.__class__.__init__.__globals__ }}",
        "{{ client['first_name'] }}",
        "{{ client.first_name.upper() }}",
        "{{ lipsum() }}",
        "{{ cycler }}",
        "{% for i in range(100000000) %}x{% endfor %}",
        "{% for c in client.first_name %}{% for d in client.first_name %}x{% endfor %}{% endfor %}",
        "{{ 'x' * 1000000000 }}",
        "{{ 9 ** 9 ** 9 }}",
        "{% set x = 1 %}",
        "{% macro m() %}{% endmacro %}",
        "{% include 'base.html' %}",
        "{{ client.first_name|attr('__class__') }}",
        "{{ client.first_name|format('%s') }}",
        "{{ client.first_name|default(client.__class__) }}",
    ],
)
def test_escapes_loops_and_calls_are_refused(source):
    problem = _problem(source)
    assert problem.line == 1


def test_an_unknown_variable_and_a_syntax_error_name_their_line():
    assert str(_problem("Dzień dobry\n\n{{ client.nickname }}")) == "Line 3: unknown variable client.nickname."
    problem = _problem("a\n{% if client.city %}b")
    assert problem.line == 2
    assert str(problem).startswith("Line 2: syntax error")


def test_the_messages_are_polish_in_polish():
    with translation.override("pl"):
        assert str(_problem("x\n{{ client.nickname }}")) == "Wiersz 2: nieznana zmienna client.nickname."
        assert str(_problem("{% for x in client.city %}{% endfor %}")) == (
            "Wiersz 1: {% for %} nie jest dozwolone w wiadomości."
        )


def test_a_template_longer_than_the_limit_is_refused():
    with pytest.raises(TemplateProblem):
        check_template("x" * 101, max_length=100)


def test_the_variable_list_can_grow():
    assert {"first_name", "last_name", "name", "company", "email", "phone"} <= variable_names()
    label: Any = "Test"
    extra = register_variable(Variable("test_only", label, ("city",), lambda row: row["city"].upper()))
    try:
        assert render_text("{{ client.test_only }}", {"test_only": "ŁÓDŹ"}, max_length=100) == "ŁÓDŹ"
    finally:
        from kartoteka.messaging import variables

        variables._VARIABLES.pop(extra.name)


def test_a_template_that_fails_for_every_client_is_refused_when_given():
    problem = _problem("{% if client.city > 5 %}x{% endif %}")
    assert "cannot be rendered" in str(problem)
