from django import forms
from django.utils.translation import gettext_lazy as _

from kartoteka.cases.models import DESCRIPTION_MAX, TITLE_MAX
from kartoteka.core.forms import VersionField


class CaseForm(forms.Form):
    """Shape of the case form; validation and normalisation are the service's."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=DESCRIPTION_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    opened_at = forms.CharField(label=_("Opened"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    version = VersionField()

    def __init__(self, *args: object, owners: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["owner"].choices = [("", "—"), *owners]  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, object]:
        return {name: self.cleaned_data[name] for name in ("title", "description", "owner", "opened_at")}
