"""The business-card form. It only renders and carries the input: the service validates it (a
message per field, the same as the API's 422)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kartoteka.messaging.models import SUBJECT_MAX


class VcardForm(forms.Form):
    recipient = forms.CharField(
        label=_("Recipient's e-mail"),
        required=False,
        widget=forms.EmailInput(attrs={"class": "form-control", "autocomplete": "email", "maxlength": 254}),
    )
    subject = forms.CharField(
        label=_("Subject"),
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "maxlength": SUBJECT_MAX}),
    )
    body = forms.CharField(
        label=_("Message"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 6}),
    )
    version = forms.ChoiceField(
        label=_("vCard version"),
        choices=[("3.0", "3.0"), ("4.0", "4.0")],
        initial="3.0",
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
