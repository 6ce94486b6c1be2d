"""Shapes of the mail dialogs; validation and normalisation are the services'."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kartoteka.mailroom.models import ADDRESS_MAX, NOTE_MAX, SENDER_MAX, MailItem

_DATE = forms.DateInput(attrs={"type": "date"})


class MailForm(forms.Form):
    received_on = forms.CharField(label=_("Received"), required=False, widget=_DATE)
    sender = forms.CharField(label=_("Sender"), max_length=SENDER_MAX, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=MailItem.Kind.choices, required=False)
    note = forms.CharField(
        label=_("Note"), max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def service_data(self) -> dict[str, Any]:
        """The fields for the service; an empty day or type is left out (the service's default)."""
        data = {name: self.cleaned_data[name] for name in ("received_on", "sender", "kind", "note")}
        return {name: value for name, value in data.items() if value != "" or name in ("sender", "note")}


class MailCreateForm(MailForm):
    """Registering mail: for the client of the page, or (on the unfiltered list) a client's number."""

    client = forms.IntegerField(label=_("Client number (ID)"), required=False, min_value=1, max_value=2**63 - 1)
    scan = forms.FileField(label=_("Scan (PDF, JPEG or PNG)"), required=False)


class CollectForm(forms.Form):
    contact = forms.TypedChoiceField(label=_("Collected by"), coerce=int, required=False, empty_value=None)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, contacts: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].choices = contacts  # type: ignore[attr-defined]


class ForwardForm(forms.Form):
    forwarded_to = forms.CharField(
        label=_("Forwarded to (address)"), max_length=ADDRESS_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    forwarded_on = forms.CharField(label=_("Forwarded on"), required=False, widget=_DATE)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def service_data(self) -> dict[str, Any]:
        """The address, and the day unless left empty (the service's default: today)."""
        data = {"forwarded_to": self.cleaned_data["forwarded_to"]}
        if self.cleaned_data["forwarded_on"]:
            data["forwarded_on"] = self.cleaned_data["forwarded_on"]
        return data


class ScanForm(forms.Form):
    scan = forms.FileField(label=_("Scan (PDF, JPEG or PNG)"), required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
