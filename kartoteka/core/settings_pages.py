"""The sections of "Ustawienia" (Settings), declared by the apps that add them.

An app declares each of its settings pages in its own `settings_pages.py` (found by
`autodiscover_modules("settings_pages")` when the apps are ready): a key, a label, a short
description, the URL name of its page, the permission that shows it, an icon and its place.
The menu shows "Settings" to whoever may open at least one page; `/settings/` lists the pages
the actor may open. Custom attributes, price lists, web forms and portal rules add theirs
without touching `core/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.functional import Promise

from kartoteka.core.actors import Actor

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise
else:
    StrPromise = Promise


@dataclass(frozen=True)
class SettingsPage:
    key: str
    label: StrPromise | str
    url_name: str  # reversed without arguments
    permission: str  # "app_label.codename": without it the page is neither listed nor reachable
    description: StrPromise | str = ""
    icon: str = "gear"  # a Bootstrap Icons name
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_PAGES: dict[str, SettingsPage] = {}


def register_settings_page(page: SettingsPage) -> SettingsPage:
    existing = _PAGES.get(page.key)
    if existing is not None and existing != page:
        raise ValueError(f"Settings page {page.key!r} is registered twice")
    _PAGES[page.key] = page
    return page


def settings_pages(*, actor: Actor) -> list[SettingsPage]:
    """The settings pages the actor may open, in their order."""
    allowed = [page for page in _PAGES.values() if actor.is_active and actor.has_perm(page.permission)]
    return sorted(allowed, key=lambda page: (page.order, page.key))


def settings_pages_permissions() -> set[str]:
    """Every permission that opens some settings page (the permission matrix derives its rule from it)."""
    return {page.permission for page in _PAGES.values()}
