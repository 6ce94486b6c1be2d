import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kartoteka.attributes.forms import add_attribute_fields, submitted_attributes
from kartoteka.attributes.services import field_name
from kartoteka.attributes.values import Definition
from kartoteka.clients import selectors
from kartoteka.clients.fields import CLIENT_FIELDS, ClientField
from kartoteka.clients.models import ClientGroup, Label
from kartoteka.core.actors import Actor


class ServiceCharField(forms.CharField):
    """A text input whose rules (length, control characters) the service checks, so that the form
    shows the API's message for them; `max_length` only sizes the input in the browser."""

    def __init__(self, *, max_length: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = []  # Django's "Null characters are not allowed." would pre-empt the service's message
        if max_length:
            self.widget.attrs["maxlength"] = str(max_length)


class ClientForm(forms.Form):
    """Shape of the client form: the declared client fields (added below), groups and labels.

    Validation and normalisation are the service's (R1.2).
    """

    groups = forms.ModelMultipleChoiceField(
        label=_("Groups"),
        queryset=ClientGroup.objects.none(),  # the actor's groups: set in __init__
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    labels = forms.ModelMultipleChoiceField(
        label=_("Labels"),
        queryset=Label.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    allow_duplicates = forms.BooleanField(label=_("Save anyway"), required=False, widget=forms.HiddenInput)
    # An edit's starting point: the client's version and values when the form was opened.
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    original = forms.CharField(required=False, widget=forms.HiddenInput)

    def original_values(self) -> dict[str, Any]:
        """The values the edit started from (empty when unknown or tampered with)."""
        try:
            values = json.loads(self.cleaned_data.get("original") or "{}")
        except ValueError:
            return {}
        return values if isinstance(values, dict) else {}

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The choices are read through the actor's scope, like every other read (DESIGN.md).
        self.fields["groups"].queryset = selectors.groups_all(actor=actor)  # type: ignore[attr-defined]
        self.fields["labels"].queryset = selectors.labels_all(actor=actor)  # type: ignore[attr-defined]
        self.attribute_definitions = add_attribute_fields(self)  # "attributes.<key>", judged by the service

    def attribute_fields(self) -> list[tuple[forms.BoundField, Definition]]:
        """The custom attributes' fields in display order, for the template: (bound field, definition)."""
        return [(self[field_name(d.key)], d) for d in self.attribute_definitions]

    def attribute_values(self) -> dict[str, Any]:
        return submitted_attributes(self, self.attribute_definitions)

    def client_fields(self) -> list[tuple[forms.BoundField, ClientField]]:
        """The declared fields in order, for the template: (bound field, declaration)."""
        return [(self[f.name], f) for f in CLIENT_FIELDS]


def _form_field(field: ClientField) -> forms.CharField:
    return ServiceCharField(
        label=field.label,
        max_length=field.input_max_length or field.max_length,
        required=field.required,
        initial=field.default or None,
    )


# Declared fields first, in the declaration's order (what the form shows).
ClientForm.base_fields = ClientForm.declared_fields = {
    **{f.name: _form_field(f) for f in CLIENT_FIELDS},
    **ClientForm.declared_fields,
}


class NoteForm(forms.Form):
    text = ServiceCharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class ColouredSetForm(forms.Form):
    name = ServiceCharField(label=_("Name"), max_length=100)
    color = ServiceCharField(
        label=_("Colour"), max_length=7, initial="#0d6efd", widget=forms.TextInput(attrs={"type": "color"})
    )
