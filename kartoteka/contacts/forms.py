from django import forms
from django.utils.translation import gettext_lazy as _

from kartoteka.contacts.fields import CONTACT_FIELDS, ContactField
from kartoteka.core.forms import VersionField


class ContactForm(forms.Form):
    """Shape of the contact-person dialog: the declared fields; validation is the service's."""

    def text_fields(self) -> list[tuple[forms.BoundField, ContactField]]:
        return [(self[f.name], f) for f in CONTACT_FIELDS if not f.flag and f.name != "additional_info"]

    def flag_fields(self) -> list[tuple[forms.BoundField, ContactField]]:
        return [(self[f.name], f) for f in CONTACT_FIELDS if f.flag]


def _form_field(field: ContactField) -> forms.Field:
    if field.flag:
        return forms.BooleanField(label=field.label, required=False, initial=field.name == "is_contact_person")
    widget = forms.Textarea(attrs={"rows": 3}) if field.name == "additional_info" else None
    return forms.CharField(
        label=field.label,
        max_length=field.input_max_length or field.max_length,
        required=False,  # the service says what is missing, with every other field's message at once
        widget=widget,
    )


ContactForm.base_fields = ContactForm.declared_fields = {
    **{f.name: _form_field(f) for f in CONTACT_FIELDS},
    # The version the dialog was opened on: saving a stale copy is refused ("changed meanwhile").
    "version": VersionField(),
}


class ContactDeleteForm(forms.Form):
    version = VersionField()


class PickupCheckForm(forms.Form):
    # No max_length: the service's check says "at most 201 characters", the same as the API's answer.
    name = forms.CharField(label=_("First and last name"), required=False)
    document_number = forms.CharField(label=_("ID document number (optional)"), required=False)
