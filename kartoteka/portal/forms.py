from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


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
