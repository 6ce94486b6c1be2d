"""The bulk actions "Ustaw cechę" and "Wyczyść cechę": set-based, with skips, history and jobs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kartoteka.attributes.models import AttributeOption, AttributeValue
from kartoteka.attributes.selectors import attribute_json
from kartoteka.attributes.tests.factories import make_attribute
from kartoteka.audit.models import AuditEvent
from kartoteka.audit.selectors import client_history
from kartoteka.bulk.services import bulk_job_run, bulk_run, selection_from
from kartoteka.clients import services
from kartoteka.clients.models import Client
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.core.errors import ValidationError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _run(actor, action, ids, **params):
    selection = selection_from(list_name="clients", ids=ids)
    return bulk_run(actor=actor, action_name=action, list_name="clients", selection=selection, params=params)


@pytest.mark.parametrize(
    ("kind", "value", "shown"),
    [
        ("number", "12,5", 12.5),
        ("date", "2024-01-31", "2024-01-31"),
        ("bool", "yes", True),
        ("text", "Stały", "Stały"),
        ("choice", "it", "IT"),
        ("multi", "IT, Handel", ["Handel", "IT"]),
    ],
)
def test_set_attribute_gives_every_selected_client_the_value(manager, administrator, kind, value, shown):
    options = ("Handel", "IT") if kind in ("choice", "multi") else ()
    attribute = make_attribute(administrator, "field", kind, options=options)
    clients = [ClientFactory() for _n in range(4)]
    outcome = _run(manager, "set_attribute", [c.pk for c in clients], attribute=attribute.pk, value=value)
    assert outcome.report["changed"] == 4
    assert all(attribute_json(Client.objects.get(pk=c.pk)) == {"field": shown} for c in clients)
    assert all(Client.objects.get(pk=c.pk).version == c.version + 1 for c in clients)


def test_set_attribute_replaces_a_value_skips_the_same_one_and_the_archived(manager, administrator):
    attribute = make_attribute(administrator, "segment", "choice", options=("Handel", "IT"))
    trade = services.client_create(
        actor=administrator, data={"first_name": "A", "email": "a@example.pl"}, attributes={"segment": "Handel"}
    )
    it = services.client_create(
        actor=administrator, data={"first_name": "B", "email": "b@example.pl"}, attributes={"segment": "IT"}
    )
    archived = ClientFactory()
    services.client_archive(actor=administrator, client=archived)
    outcome = _run(manager, "set_attribute", [trade.pk, it.pk], attribute=attribute.pk, value="IT")
    assert outcome.report == {"selected": 2, "changed": 1, "skipped": {"same_value": 1}}
    assert attribute_json(Client.objects.get(pk=trade.pk)) == {"segment": "IT"}
    assert AttributeValue.objects.filter(attribute=attribute).count() == 2  # one row a client, not two
    # the archived client cannot be picked from the client list at all
    refused = _run(manager, "set_attribute", [archived.pk], attribute=attribute.pk, value="IT")
    assert refused.report["changed"] == 0
    assert not AttributeValue.objects.filter(client=archived).exists()


def test_a_bad_value_is_refused_before_anything_changes(manager, administrator):
    attribute = make_attribute(administrator, "employees", "number")
    client = ClientFactory()
    with pytest.raises(ValidationError) as exc:
        _run(manager, "set_attribute", [client.pk], attribute=attribute.pk, value="many")
    assert exc.value.message_dict["value"] == ["Enter a number, e.g. 12 or 12.5."]
    with pytest.raises(ValidationError) as exc:
        _run(manager, "set_attribute", [client.pk], attribute=attribute.pk, value="")
    assert "value" in exc.value.message_dict
    assert not AttributeValue.objects.exists()


def test_a_required_attribute_cannot_be_cleared_in_bulk(manager, administrator):
    attribute = make_attribute(administrator, "segment", "text", required=True)
    with pytest.raises(ValidationError) as exc:
        _run(manager, "clear_attribute", [ClientFactory().pk], attribute=attribute.pk)
    assert exc.value.message_dict["attribute"] == ["This attribute is required: it cannot be cleared."]


def test_clear_attribute_removes_the_value_and_skips_clients_without_one(manager, administrator):
    attribute = make_attribute(administrator, "segment", "text")
    other = make_attribute(administrator, "other", "text")
    having = [
        services.client_create(
            actor=administrator,
            data={"first_name": "A", "email": f"a{n}@example.pl"},
            attributes={"segment": "x", "other": "y"},
        )
        for n in range(3)
    ]
    empty = ClientFactory()
    outcome = _run(manager, "clear_attribute", [*(c.pk for c in having), empty.pk], attribute=attribute.pk)
    assert outcome.report == {"selected": 4, "changed": 3, "skipped": {"no_value": 1}}
    assert not AttributeValue.objects.filter(attribute=attribute).exists()
    assert AttributeValue.objects.filter(attribute=other).count() == 3
    history = client_history(actor=administrator, client_id=having[0].pk)
    assert any(e.event_type == "attributes.value.bulk_cleared" for e in history)


def test_set_attribute_is_a_few_statements_whatever_the_number_of_clients(manager, administrator, settings):
    attribute = make_attribute(administrator, "channels", "multi", options=("E-mail", "Poczta", "SMS"))

    def statements(count: int) -> int:
        ids = [ClientFactory().pk for _n in range(count)]
        with CaptureQueriesContext(connection) as queries:
            _run(manager, "set_attribute", ids, attribute=attribute.pk, value=["E-mail", "SMS"])
        return len(queries.captured_queries)

    statements(1)  # the first run fills the caches (permissions, content types)
    assert statements(2) == statements(40)


def test_a_large_selection_runs_as_a_job_in_chunks_with_one_audit_entry(manager, administrator, settings):
    settings.KARTOTEKA_BULK_SYNC_LIMIT = 2
    settings.KARTOTEKA_BULK_CHUNK = 2
    attribute = make_attribute(administrator, "vip", "bool")
    clients = [ClientFactory() for _n in range(5)]
    outcome = _run(manager, "set_attribute", [c.pk for c in clients], attribute=attribute.pk, value=True)
    assert outcome.job is not None
    bulk_job_run(job_id=outcome.job.pk)
    outcome.job.refresh_from_db()
    assert outcome.job.result["changed"] == 5
    assert AttributeValue.objects.filter(attribute=attribute, value_bool=True).count() == 5
    assert AuditEvent.objects.filter(event_type="attributes.value.bulk_set").count() == 1


def test_the_confirmation_page_and_the_run_from_the_list(manager_client, administrator):
    attribute = make_attribute(administrator, "segment", "choice", options=("Handel", "IT"))
    client = ClientFactory()
    url = reverse("bulk:run", args=["set_attribute"])
    page = manager_client.post(url, {"ids": [client.pk], "mode": "ids", "list": "clients"})
    assert page.status_code == 200
    assert "Segment" in page.content.decode()
    done = manager_client.post(
        url,
        {"ids": [client.pk], "mode": "ids", "list": "clients", "attribute": attribute.pk, "value": "IT",
         "step": "run"},
    )  # fmt: skip
    assert done.status_code in (200, 302)
    option = AttributeOption.objects.get(label="IT")
    assert AttributeValue.objects.filter(client=client, option=option).exists()
