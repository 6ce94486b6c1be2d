from typing import Any

from django import template

from kartoteka.audit.titles import event_title

register = template.Library()


@register.filter
def registered_event_title(event: Any) -> str:
    return event_title(event.event_type, event.details)
