from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kartoteka.planner.models import BODY_MAX, SUBJECT_MAX


class TaskForm(forms.Form):
    """Shape of the task dialog; validation and normalisation are the service's (planner.validation)."""

    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX, required=False)
    body = forms.CharField(
        label=_("Body"), max_length=BODY_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_date = forms.CharField(label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    due_time = forms.CharField(
        label=_("Time"),
        required=False,
        help_text=_("Leave empty for all day."),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    assignees = forms.TypedMultipleChoiceField(label=_("Assigned to"), coerce=int, required=False)
    case = forms.TypedChoiceField(label=_("Case"), coerce=int, required=False, empty_value=None)
    notify_creator = forms.BooleanField(label=_("Notify me when it is done"), required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, assignees: list[tuple[int, str]], cases: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignees"].choices = assignees  # type: ignore[attr-defined]
        self.fields["case"].choices = [("", "—"), *cases]  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, object]:
        data = {
            name: self.cleaned_data[name]
            for name in ("subject", "body", "due_date", "due_time", "case", "notify_creator")
        }
        data["assignees"] = self.cleaned_data["assignees"]  # empty: the service asks for one
        return data
