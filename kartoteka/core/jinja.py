"""The Jinja2 environment of the hot list partials (the rows of a list; docs/decisions.md).

Only rows are rendered with Jinja2: a 50-row page in Django templates spent ~1 ms a row resolving
variables. Texts come translated from Python (core.listing.RowPage.text), so makemessages sees
them and the templates need no i18n extension.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from jinja2 import Environment, StrictUndefined


def local_time(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) time as the user's local time, as Django's `date` filter shows it."""
    return timezone.localtime(value).strftime(fmt) if value else ""


def environment(**options: Any) -> Environment:
    """The rows' environment. Django's Jinja2 backend fills `undefined` (Undefined, or DebugUndefined
    with DEBUG) and `autoescape` before calling this, so a `setdefault` here never took: both are
    forced, whatever the settings say."""
    options["undefined"] = StrictUndefined  # a misspelt name fails the test, not the page silently
    options["autoescape"] = True  # names, e-mails and notes are what users typed
    env = Environment(**options)  # noqa: S701 -- autoescape is forced on just above
    env.filters["local_time"] = local_time
    return env
