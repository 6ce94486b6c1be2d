"""Marks in the client list's Integracje column that other apps add (a portal account, ...).

An app registers a `RowIntegration` from its AppConfig.ready (so `clients` imports none of
them): which of a page's clients it marks — one query per page, never per row — and the icon
(optionally a link to one of the client's pages) the row shows.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from kartoteka.core.actors import Actor

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise
else:
    StrPromise = Promise

_ID_MARK = 987654321987  # reversed once a page, then the row's id is put in its place


@dataclass(frozen=True)
class RowIntegration:
    key: str
    title: StrPromise | str
    icon: str  # Bootstrap Icons class(es), e.g. "bi-clock-history"
    permission: str
    marked: Callable[[Actor, Collection[int]], set[int]]  # the ids (of those given) to mark
    url_name: str = ""  # reversed with the client's id: the icon links there


_INTEGRATIONS: dict[str, RowIntegration] = {}


def register_row_integration(integration: RowIntegration) -> RowIntegration:
    _INTEGRATIONS[integration.key] = integration
    return integration


def attach_integrations(actor: Actor, clients: list[Any]) -> None:
    """Set `client.integrations` (HTML) on each client of a page: one query per registered mark."""
    ids = [client.pk for client in clients]
    marks: list[tuple[set[int], str]] = []
    for item in _INTEGRATIONS.values():
        if not (actor.is_active and actor.has_perm(item.permission)) or not ids:
            continue
        marks.append((item.marked(actor, ids), _icon_html(item)))
    for client in clients:
        html = "".join(icon.replace(str(_ID_MARK), str(client.pk)) for marked, icon in marks if client.pk in marked)
        client.integrations = mark_safe(html)  # noqa: S308 -- made by format_html, the id is an int


def _icon_html(item: RowIntegration) -> SafeString:
    icon = format_html(
        '<i class="bi {} ms-1" title="{}" role="img" aria-label="{}"></i>', item.icon, item.title, item.title
    )
    if not item.url_name:
        return icon
    url = reverse(item.url_name, args=[_ID_MARK])
    return format_html('<a href="{}" class="text-decoration-none" data-integration="{}">{}</a>', url, item.key, icon)
