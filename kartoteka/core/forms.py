"""Form fields shared by the apps' forms."""

from __future__ import annotations

import re
from typing import Any

from django import forms


class VersionField(forms.CharField):
    """The hidden version of a row the form was rendered with (clients, cases, contact persons).

    A number the database can compare, or None when the form has none. Anything else — tampered,
    "²" (isdigit() says yes), 10**20 (PostgreSQL's integer overflows) — reads as 0, a version that
    is never current: the save is refused with the form's "changed meanwhile" message, not a 500
    or a silent re-render with an error on a field nobody sees.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        return int(text) if re.fullmatch(r"[0-9]{1,9}", text) else 0
