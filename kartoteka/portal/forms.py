from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kartoteka.clients.models import Client
from kartoteka.portal.models import NotificationPreference


class PortalLoginForm(forms.Form):
    email = forms.CharField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PortalResetForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class InviteForm(forms.Form):
    """The staff's invitation; the service judges the values (a message per field)."""

    email = forms.CharField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    name = forms.CharField(label=_("Name (optional)"), required=False)


class PortalSettingsForm(forms.Form):
    clients_may_edit_contact = forms.BooleanField(
        label=_("Clients may edit their contact details in the portal"),
        required=False,
        help_text=_("E-mail, phone, website and address. Names, NIP and everything else stay for the staff to change."),
    )


class ContactDetailsForm(forms.Form):
    """The client's contact details as a portal user may change them (the service validates)."""

    email = forms.CharField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False)
    website = forms.CharField(label=_("Website"), required=False)
    street = forms.CharField(label=_("Street"), required=False)
    postal_code = forms.CharField(label=_("Postal code"), required=False)
    city = forms.CharField(label=_("City"), required=False)
    country = forms.CharField(label=_("Country"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, data: Any = None, *, client: Client) -> None:
        initial = {name: getattr(client, name) for name in self.base_fields if name != "version"}
        super().__init__(data, initial={**initial, "version": client.version})

    def values(self) -> dict[str, str]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class NotificationsForm(forms.Form):
    """One channel per kind of message."""

    def __init__(self, data: Any = None, *, initial: dict[str, str]) -> None:
        super().__init__(data, initial=initial)
        for value, label in NotificationPreference.Topic.choices:
            self.fields[value] = forms.ChoiceField(
                label=label, choices=NotificationPreference.Channel.choices, widget=forms.RadioSelect
            )
