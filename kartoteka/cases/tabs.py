"""The client page's Sprawy tab (with the number of open cases), the open-case count on the
Client tab, and how case events read on the History tab."""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from kartoteka.audit.titles import register_event_titles, register_field_labels
from kartoteka.cases import selectors
from kartoteka.cases.models import Case
from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor
from kartoteka.core.tabs import ClientFact, ClientTab, register_client_fact, register_client_tab


def _open_cases(actor: Actor, client: Client) -> int:
    """Shown twice on the Client tab (the tab's badge and the fact): counted once per page."""
    cached: int | None = getattr(client, "_open_case_count", None)
    if cached is None:
        cached = selectors.open_case_count(actor=actor, client=client)
        client._open_case_count = cached  # type: ignore[attr-defined]
    return cached


register_client_tab(
    ClientTab(
        key="cases",
        label=_("Cases"),
        url_name="cases:client_tab",
        template="cases/tabs/cases.html",
        permission="cases.view_case",
        order=20,
        badge=_open_cases,
    )
)
register_client_fact(
    ClientFact(
        key="open_cases",
        label=_("Open cases"),
        permission="cases.view_case",
        value=_open_cases,
        url_name="cases:client_tab",
        order=10,
    )
)
register_event_titles(
    {
        "cases.case.created": _("Case opened: %(title)s"),
        "cases.case.updated": _("Case changed: %(title)s"),
        "cases.case.closed": _("Case closed: %(title)s"),
        "cases.case.reopened": _("Case reopened: %(title)s"),
        "cases.case.deleted": _("Case deleted: %(title)s"),
    }
)


def _reads(name: str, value: Any) -> str | None:
    """A recorded value in words: the status by its label, the opening moment as a local date and time."""
    if name == "status":
        return str(dict(Case.Status.choices).get(value, value))
    if name == "opened_at":
        try:
            moment = dt.datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
        return date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "Y-m-d H:i")
    return None


# The fields case events record (cases.services.recorded_values), for case events only: a case's
# "status" is open or closed, not a client's active or inactive.
register_field_labels(
    {
        "title": _("Title"),
        "description": _("Description"),
        "owner": _("Owner"),
        "opened_at": _("Opened"),
        "status": _("Status"),
    },
    events="cases.",
    value=_reads,
)
