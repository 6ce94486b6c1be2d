"""The client page's Sprawy tab (with the number of open cases), the open-case count on the
Client tab, and how case events read on the History tab."""

from django.utils.translation import gettext_lazy as _

from kartoteka.audit.titles import register_event_titles
from kartoteka.cases import selectors
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
        "cases.case.created": _("Case opened"),
        "cases.case.updated": _("Case changed"),
        "cases.case.closed": _("Case closed"),
        "cases.case.reopened": _("Case reopened"),
        "cases.case.deleted": _("Case deleted"),
    }
)
