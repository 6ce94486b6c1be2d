"""Template context every staff page needs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from kartoteka.core.settings_pages import settings_pages


def settings_menu(request: HttpRequest) -> dict[str, Any]:
    """`settings_pages`: what the menu's "Settings" offers the user (worked out only if a page asks)."""

    def pages() -> list[Any]:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        return settings_pages(actor=user)

    return {"settings_pages": SimpleLazyObject(pages)}
