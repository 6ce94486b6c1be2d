"""seed_demo brings a few dozen cases, open and closed, stored as the services would store them."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from kartoteka.accounts.models import User
from kartoteka.audit.models import AuditEvent
from kartoteka.cases.filters import CaseFilter
from kartoteka.cases.models import Case
from kartoteka.cases.validation import clean_case_fields
from kartoteka.core.text import fold

pytestmark = pytest.mark.django_db


def test_demo_cases_are_open_and_closed_with_sensible_dates():
    call_command("seed_demo")
    cases = list(Case.objects.select_related("client"))
    assert 20 <= len(cases) <= 60
    assert {case.status for case in cases} == {"open", "closed"}
    now = timezone.now()
    for case in cases:
        assert case.client.created_at <= case.opened_at <= now
        if case.closed_at is None:
            assert case.is_open
        else:
            assert case.opened_at <= case.closed_at <= now
        given = {"title": case.title, "description": case.description, "opened_at": case.opened_at}
        assert clean_case_fields(given) == given
        assert (case.sort_title, case.search_text) == (fold(case.title), fold(f"{case.title} {case.description}"))
        assert case.version == 1


def test_a_former_client_in_the_archive_has_only_closed_cases():
    call_command("seed_demo")
    assert not Case.objects.filter(client__archived_at__isnull=False, status="open").exists()


def test_demo_cases_have_no_owner_when_seeded_before_any_user_exists():
    call_command("seed_demo")  # e.g. `seed_demo` on an empty database, before any login exists
    assert not Case.objects.filter(owner__isnull=False).exists()


def test_demo_cases_go_to_the_staff_that_exist_at_seed_time(django_user_model):
    staff = [django_user_model.objects.create_user(username=f"pracownik{i}") for i in range(3)]
    User.objects.create_user(username="odszedl", is_active=False)
    call_command("seed_demo")
    owners = set(Case.objects.values_list("owner", flat=True))
    assert owners <= {user.pk for user in staff}
    assert len(owners) > 1


def test_demo_cases_are_in_their_clients_history_and_found_by_search():
    call_command("seed_demo")
    case = Case.objects.filter(status="closed").earliest("pk")
    events = AuditEvent.objects.filter(details__case_id=case.pk, client_id=case.client_id)
    assert set(events.values_list("event_type", flat=True)) == {"cases.case.created", "cases.case.closed"}
    assert events.get(event_type="cases.case.created").changes["title"] == [None, case.title]
    assert AuditEvent.objects.filter(event_type="cases.case.created").count() == Case.objects.count()
    assert case in CaseFilter(q=case.title.split()[0]).apply(Case.objects.all())
