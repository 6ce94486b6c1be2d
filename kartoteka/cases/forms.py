from django import forms
from django.utils.translation import gettext_lazy as _

from kartoteka.cases.models import DESCRIPTION_MAX, TITLE_MAX


class CaseForm(forms.Form):
    """Shape of the case form; validation and normalisation are the service's."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=DESCRIPTION_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    opened_at = forms.CharField(label=_("Opened"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    # A version the database can compare (10**20 would overflow PostgreSQL's integer: a 500).
    version = forms.IntegerField(required=False, min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput)

    def __init__(self, *args: object, owners: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["owner"].choices = [("", "—"), *owners]  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, object]:
        return {name: self.cleaned_data[name] for name in ("title", "description", "owner", "opened_at")}
