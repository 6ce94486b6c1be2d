"""The tabs of the client page, declared by the apps that add them.

An app declares its tab in its own `tabs.py` (found by `autodiscover_modules("tabs")` when the
apps are ready): a key, a label, the URL name of the view that shows it (reversed with the
client's id), the template of its content, the permission that shows it, its place and
optionally a badge (a small count next to the label). The client page renders the tabs the actor
may see, so contact persons, cases, documents... add theirs without touching `clients/`.

A tab's view loads what its content needs and calls `render_client_tab`. An app can also add a
line to the Client tab (`register_client_fact`, e.g. the number of open cases).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.functional import Promise

from kartoteka.core.actors import Actor
from kartoteka.core.errors import PermissionDenied
from kartoteka.core.views import render_htmx

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    from kartoteka.clients.models import Client
else:
    StrPromise = Promise

# The page around every tab; its `tab_content` partial is what an HTMX tab switch receives.
CLIENT_PAGE_TEMPLATE = "clients/detail.html"


@dataclass(frozen=True)
class ClientTab:
    key: str
    label: StrPromise | str
    url_name: str  # reversed with the client's id
    template: str  # the tab's content, included by the client page
    permission: str  # "app_label.codename": without it the tab is not shown and its URL is 403
    order: int = 100
    # A count next to the label (None: no badge). Called once per page for each visible tab.
    badge: Callable[[Actor, Client], int | None] | None = None
    icon: str = ""
    # The client list row's "Options" menu opens the tab under this label (empty: not offered).
    menu_label: StrPromise | str = ""
    menu_icon: str = ""


_TABS: dict[str, ClientTab] = {}


def register_client_tab(tab: ClientTab) -> ClientTab:
    existing = _TABS.get(tab.key)
    if existing is not None and existing != tab:
        raise ValueError(f"Client tab {tab.key!r} is registered twice")
    _TABS[tab.key] = tab
    return tab


def client_tab(key: str) -> ClientTab:
    return _TABS[key]


def client_tabs(*, actor: Actor) -> list[ClientTab]:
    """The tabs the actor may see, in their order."""
    allowed = [tab for tab in _TABS.values() if actor.is_active and actor.has_perm(tab.permission)]
    return sorted(allowed, key=lambda tab: (tab.order, tab.key))


@dataclass(frozen=True)
class ClientMenuEntry:
    """An entry of the client list row's Options menu that is not a tab (e.g. "Send business card").

    Shaped like an offered tab (key, menu_label, menu_icon, url_name reversed with the client's
    id), so the menu lists both; the client page shows the same entries as buttons.
    """

    key: str
    menu_label: StrPromise | str
    url_name: str
    permission: str
    menu_icon: str = ""
    order: int = 100


_MENU: dict[str, ClientMenuEntry] = {}


def register_client_menu_entry(entry: ClientMenuEntry) -> ClientMenuEntry:
    existing = _MENU.get(entry.key)
    if existing is not None and existing != entry:
        raise ValueError(f"Client menu entry {entry.key!r} is registered twice")
    _MENU[entry.key] = entry
    return entry


def client_menu_entries(*, actor: Actor) -> list[ClientMenuEntry]:
    """The menu entries the actor may use, in their order."""
    allowed = [e for e in _MENU.values() if actor.is_active and actor.has_perm(e.permission)]
    return sorted(allowed, key=lambda e: (e.order, e.key))


def shown_menu_entries(*, actor: Actor, client: Client) -> list[tuple[ClientMenuEntry, str]]:
    """The menu entries as the client page's buttons: (entry, its URL for this client)."""
    return [(entry, reverse(entry.url_name, args=[client.pk])) for entry in client_menu_entries(actor=actor)]


@dataclass(frozen=True)
class ShownTab:
    tab: ClientTab
    url: str
    badge: int | None
    active: bool


def shown_tabs(*, actor: Actor, client: Client, active: str) -> list[ShownTab]:
    """The tab bar of one client page: at most one badge query per visible tab."""
    return [
        ShownTab(
            tab=tab,
            url=reverse(tab.url_name, args=[client.pk]),
            badge=tab.badge(actor, client) if tab.badge else None,
            active=tab.key == active,
        )
        for tab in client_tabs(actor=actor)
    ]


@dataclass(frozen=True)
class ClientFact:
    """One line about the client on its Client tab, supplied by another app (e.g. open cases).

    `value(actor, client)` is called once per Client tab shown; `url_name` (reversed with the
    client's id) makes the value a link.
    """

    key: str
    label: StrPromise | str
    permission: str
    value: Callable[[Actor, Client], Any]
    url_name: str = ""
    order: int = 100


@dataclass(frozen=True)
class ShownFact:
    fact: ClientFact
    value: Any
    url: str


_FACTS: dict[str, ClientFact] = {}


def register_client_fact(fact: ClientFact) -> ClientFact:
    existing = _FACTS.get(fact.key)
    if existing is not None and existing != fact:
        raise ValueError(f"Client fact {fact.key!r} is registered twice")
    _FACTS[fact.key] = fact
    return fact


def shown_facts(*, actor: Actor, client: Client) -> list[ShownFact]:
    """The facts the actor may see, in their order, with their values."""
    allowed = [f for f in _FACTS.values() if actor.is_active and actor.has_perm(f.permission)]
    return [
        ShownFact(fact, fact.value(actor, client), reverse(fact.url_name, args=[client.pk]) if fact.url_name else "")
        for fact in sorted(allowed, key=lambda f: (f.order, f.key))
    ]


def require_tab(actor: Actor, key: str) -> ClientTab:
    tab = client_tab(key)
    if not (actor.is_active and actor.has_perm(tab.permission)):
        raise PermissionDenied
    return tab


def render_client_tab(
    request: HttpRequest, *, actor: Actor, client: Client, key: str, context: dict[str, Any]
) -> HttpResponse:
    """The client page with tab `key` open (only the tab's content for an HTMX request)."""
    tab = require_tab(actor, key)
    page = {
        "client": client,
        "tab": tab.key,
        "active_tab": tab,
        # Called by the template only when it renders the tab bar (not for an HTMX tab switch).
        "tabs": partial(shown_tabs, actor=actor, client=client, active=tab.key),
        "facts": partial(shown_facts, actor=actor, client=client),  # read by the Client tab only
        "menu_entries": partial(shown_menu_entries, actor=actor, client=client),  # the page's buttons
        **context,
    }
    return render_htmx(request, CLIENT_PAGE_TEMPLATE, "tab_content", page)
