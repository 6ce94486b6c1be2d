"""The client form's section of custom attributes, and the settings page's attribute form.

The client form's attribute fields only shape the input: the service (attributes.services via
clients.services) judges every value, so the form shows the API's message for the same mistake.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kartoteka.attributes.models import KEY_MAX, NAME_MAX, Attribute
from kartoteka.attributes.services import OptionIn, field_name
from kartoteka.attributes.values import Definition, definitions

T = Attribute.Type


class LooseField(forms.Field):
    """Passes the submitted value (text or list) on as it is: the service checks it."""

    def to_python(self, value: Any) -> Any:
        return value

    def validate(self, value: Any) -> None:
        return None


def _widget(definition: Definition) -> forms.Widget:
    choices = [(str(o.pk), o.label) for o in definition.options]
    if definition.type == T.MULTI:
        return forms.CheckboxSelectMultiple(choices=choices)
    if definition.type == T.CHOICE:
        return forms.Select(choices=[("", "—"), *choices], attrs={"class": "form-select"})
    if definition.type == T.BOOL:
        return forms.Select(choices=[("", "—"), ("yes", _("yes")), ("no", _("no"))], attrs={"class": "form-select"})
    if definition.type == T.DATE:
        return forms.DateInput(attrs={"type": "date", "class": "form-control"})
    if definition.type == T.NUMBER:
        return forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"})
    return forms.TextInput(attrs={"class": "form-control", "maxlength": "500"})


def add_attribute_fields(form: forms.Form) -> list[Definition]:
    """Add one field per attribute, in display order, named `attributes.<key>`."""
    defs = definitions()
    for definition in defs:
        field = LooseField(label=definition.attribute.name, required=False, widget=_widget(definition))
        field.attribute_required = definition.attribute.required  # type: ignore[attr-defined]  # the template's *
        form.fields[field_name(definition.key)] = field
    return defs


def submitted_attributes(form: forms.Form, defs: list[Definition]) -> dict[str, Any]:
    return {d.key: form.cleaned_data.get(field_name(d.key)) for d in defs}


def initial_attributes(defs: list[Definition], stored: dict[int, Any]) -> dict[str, Any]:
    return {field_name(d.key): d.form_initial(stored.get(d.attribute.pk)) for d in defs}


class AttributeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX, required=False)
    key = forms.CharField(
        label=_("Key"),
        max_length=KEY_MAX,
        required=False,
        help_text=_("The stable name in the API, exports and list links, e.g. market_segment."),
    )
    type = forms.ChoiceField(label=_("Type"), choices=T.choices)
    required = forms.BooleanField(label=_("Required"), required=False)
    position = forms.CharField(label=_("Display order"), required=False, initial="0")
    new_options = forms.CharField(
        label=_("New allowed values"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line; only for the list types."),
    )

    def __init__(self, *args: Any, attribute: Attribute | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attribute = attribute
        self.existing = list(attribute.options.all()) if attribute else []
        for option in self.existing:
            self.fields[f"option_{option.pk}"] = forms.CharField(
                label=option.label, required=False, initial=option.label, max_length=200
            )
        if attribute is not None:
            self.fields["type"].disabled = True
            self.fields["type"].help_text = _("The type cannot change once the attribute exists.")

    def option_fields(self) -> list[tuple[forms.BoundField, int]]:
        return [(self[f"option_{o.pk}"], o.pk) for o in self.existing]

    def service_data(self) -> dict[str, Any]:
        """The definition as attributes.services takes it: an emptied existing value is removed."""
        data = self.cleaned_data
        options = [
            OptionIn(data[f"option_{o.pk}"], o.pk) for o in self.existing if (data.get(f"option_{o.pk}") or "").strip()
        ]
        options += [OptionIn(line) for line in (data.get("new_options") or "").splitlines() if line.strip()]
        return {
            "name": data.get("name") or "",
            "key": data.get("key") or "",
            "type": self.attribute.type if self.attribute else data.get("type"),
            "required": bool(data.get("required")),
            "position": data.get("position") or "0",
            "options": options,
        }
