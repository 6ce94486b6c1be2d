"""How a recorded change to a client reads on the History tab: field labels and values in words."""

from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from kartoteka.audit.titles import event_field_label, event_field_value, field_label
from kartoteka.clients.fields import label_of
from kartoteka.clients.models import Client
from kartoteka.clients.validation import format_phone

register = template.Library()


@register.filter
def client_field_label(name: str) -> str:
    declared = label_of(name) or field_label(name)  # the client's, or another app's (audit.titles)
    if declared:
        return declared
    try:
        field = Client._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    label = str(getattr(field, "verbose_name", name))
    return label[:1].upper() + label[1:]


@register.filter
def client_field_value(value: Any, name: str) -> str:
    if value in (None, "", []):
        return "∅"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if name == "status":
        return str(dict(Client.Status.choices).get(value, value))
    if name == "source":
        return str(dict(Client.Source.choices).get(value, value))
    if name == "phone":
        return format_phone(str(value))
    return str(value)


@register.simple_tag
def history_changes(event: Any) -> list[tuple[str, str, str]]:
    """(label, before, after) of each recorded change, in the words of the app that recorded it
    (a case's "Status: Open → Closed"), else the client's."""
    rows = []
    for name, change in (event.changes or {}).items():
        before, after = [*change, None, None][:2] if isinstance(change, list) else (None, change)
        label = event_field_label(name, event.event_type) or client_field_label(name)
        rows.append((label, _reads(before, name, event.event_type), _reads(after, name, event.event_type)))
    return rows


def _reads(value: Any, name: str, event_type: str) -> str:
    if value in (None, "", []):
        return "∅"
    shown = event_field_value(name, value, event_type)
    return shown if shown is not None else client_field_value(value, name)
