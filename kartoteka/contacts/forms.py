from django import forms
from django.utils.translation import gettext_lazy as _

from kartoteka.contacts.fields import CONTACT_FIELDS, ContactField

MAX_VERSION = 2**31 - 1  # a version the database can compare (a bigger one is a form error, not a crash)


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
    "version": forms.IntegerField(required=False, min_value=0, max_value=MAX_VERSION, widget=forms.HiddenInput),
}


class ContactDeleteForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=0, max_value=MAX_VERSION, widget=forms.HiddenInput)


class PickupCheckForm(forms.Form):
    name = forms.CharField(label=_("First and last name"), max_length=201, required=False)
    document_number = forms.CharField(label=_("ID document number (optional)"), max_length=40, required=False)
