from django import forms
from django.utils.translation import gettext_lazy as _

from kartoteka.clients.models import ClientGroup, Label


class ClientForm(forms.Form):
    """Shape of the client form. Validation and normalisation are the service's (R1.2)."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    company_name = forms.CharField(label=_("Company name"), max_length=200, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    website = forms.CharField(label=_("Website"), max_length=300, required=False)
    nip = forms.CharField(label=_("NIP"), max_length=20, required=False)
    street = forms.CharField(label=_("Street"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=12, required=False)
    country = forms.CharField(label=_("Country"), max_length=2, initial="PL")
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups"),
        queryset=ClientGroup.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    labels = forms.ModelMultipleChoiceField(
        label=_("Labels"),
        queryset=Label.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    allow_duplicates = forms.BooleanField(label=_("Save anyway"), required=False, widget=forms.HiddenInput)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class ColouredSetForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    color = forms.CharField(
        label=_("Colour"), max_length=7, initial="#0d6efd", widget=forms.TextInput(attrs={"type": "color"})
    )
