"""Numbers and ids a user (or a fuzzer) types into the web UI's URLs and forms: superscripts and
other Unicode digits that `str.isdigit` accepts, ids past the database's BIGINT, signs, blanks.
Each answers with a message or a 404, never a 500 (core/numbers.py parses them all)."""

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from kartoteka.clients.tests.factories import ClientFactory, NoteFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
BAD_NUMBERS = ["²", "٣", HUGE, str(2**63), "-1", "0", "1e3", " 7", "1_0", "", "abc"]


@pytest.fixture
def browser(administrator, settings):
    settings.LANGUAGE_CODE = "en"
    browser = HttpClient(raise_request_exception=False)
    browser.force_login(administrator)
    return browser


def _no_500(response, what):
    assert response.status_code < 500, (what, response.status_code)


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_list_parameters_never_answer_500(browser, value):
    for url in ("/clients/", "/clients/archive/", "/clients/count/", "/cases/", "/tasks/", "/mail/"):
        for name in ("limit", "group", "label", "cursor"):
            _no_500(browser.get(url, {name: value}), (url, name))
            _no_500(browser.get(url, {name: value}, headers={"HX-Request": "true"}), (url, name, "htmx"))


def test_every_list_reads_its_page_size_the_same_way(browser):
    client = ClientFactory()
    for url in ("/clients/", "/cases/", "/tasks/", "/mail/", f"/clients/{client.pk}/cases/"):
        for value in ("²", "201", "0"):
            assert browser.get(url, {"limit": value}).status_code == 200, (url, value)


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_bulk_selections_never_answer_500(browser, value):
    client = ClientFactory()
    for data in (
        {"ids": value},
        {"ids": [str(client.pk), value]},
        {"mode": "filter", "filter": f"group={value}"},
        {"ids": str(client.pk), "step": "run", "confirm_count": value},
    ):
        for action in ("archive", "delete", "add_to_group"):
            _no_500(browser.post(f"/clients/bulk/{action}/", {"list": "clients", **data}), (action, data))


def test_a_bad_id_in_a_bulk_selection_is_refused_with_a_message(browser):
    client = ClientFactory()
    for value, message in (("²", "Enter a whole number (an id)."), (HUGE, "Enter an id from 1 to")):
        data = {"list": "clients", "ids": [str(client.pk), value]}
        answer = browser.post("/clients/bulk/archive/", data, follow=True)
        assert answer.status_code == 200
        assert message in answer.content.decode()
    client.refresh_from_db()
    assert not client.is_archived


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_quick_group_creation_with_a_bad_group_id_never_answers_500(browser, value):
    answer = browser.post("/clients/groups/quick-create/", {"groups": value, "new_group_name": f"Nowa {value}"})
    _no_500(answer, value)


def test_quick_group_creation_refuses_a_bad_ticked_group_and_creates_nothing(browser):
    from kartoteka.clients.models import ClientGroup

    answer = browser.post("/clients/groups/quick-create/", {"groups": HUGE, "new_group_name": "Nowa"})
    assert answer.status_code == 200
    assert "Enter an id from 1 to" in answer.content.decode()
    assert not ClientGroup.objects.filter(name="Nowa").exists()


def test_ids_in_paths_past_bigint_are_not_found(browser):
    client = ClientFactory()
    for url in (
        f"/clients/{HUGE}/",
        f"/clients/{HUGE}/edit/",
        f"/clients/{HUGE}/notes/",
        f"/clients/{HUGE}/history/",
        f"/clients/{client.pk}/notes/{HUGE}/edit/",
        f"/clients/groups/{HUGE}/",
        f"/clients/labels/{HUGE}/",
        f"/jobs/{HUGE}/",
        f"/jobs/{HUGE}/items.csv",
    ):
        assert browser.get(url).status_code == 404, url
    for url in (
        f"/clients/{HUGE}/status/",
        f"/clients/{HUGE}/notes/add/",
        f"/clients/{client.pk}/notes/{HUGE}/delete/",
        f"/clients/{HUGE}/archive/",
        f"/clients/{HUGE}/restore/",
        f"/clients/{HUGE}/delete/",
        f"/jobs/{HUGE}/cancel/",
    ):
        assert browser.post(url).status_code == 404, url


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_the_bells_job_ids_never_answer_500(browser, value):
    _no_500(browser.post("/jobs/bell/notified/", {"job": value}), value)


def test_deleting_a_note_of_an_archived_client_is_refused_with_a_message(browser, administrator):
    client = ClientFactory(archived_at=timezone.now(), status="inactive")
    note = NoteFactory(client=client, author=administrator)
    answer = browser.post(f"/clients/{client.pk}/notes/{note.pk}/delete/", follow=True)
    assert answer.status_code == 200
    assert note.__class__.objects.filter(pk=note.pk).exists()
    assert "archive" in answer.content.decode().lower()
