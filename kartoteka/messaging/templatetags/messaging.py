from django import template

from kartoteka.messaging.variables import Variable, variables

register = template.Library()


@register.simple_tag
def message_variables() -> list[Variable]:
    """The variables a message template may use (messaging.variables), for the form's help."""
    return variables()
