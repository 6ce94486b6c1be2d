"""The bulk action "Wyślij wiadomość" (R10.2): one e-mail per selected client, from a subject and
a body with variables ({{ client.first_name }}, ...), rendered in the sandbox for each client.

A normal registry declaration: the menu entry, the confirmation page (with a preview for one
selected client: `confirm_template`), `POST /api/clients/bulk/send_message` and, for a large
selection, the job. Its `apply` only queues the messages (messaging.services.messages_queue:
one values() query and a few bulk INSERTs per chunk); the worker sends them after the commit.
Clients without an e-mail address are skipped ("no_email"), archived ones too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from kartoteka.api.schemas import Text
from kartoteka.bulk.registry import CLIENTS, BulkAction, BulkContext, BulkParam, Skip, register
from kartoteka.clients.bulk_actions import ARCHIVED
from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor
from kartoteka.messaging import services, validation
from kartoteka.messaging.schemas import BODY_TEMPLATE_RULES, SUBJECT_TEMPLATE_RULES
from kartoteka.messaging.templating import SUBJECT_TEMPLATE_MAX

NO_EMAIL = Skip("no_email", _("no e-mail address"), lambda p: Q(email=""))
HELP = _("Variables: {{ client.first_name }}, {{ client.company }}… (the list is below the form).")


class TemplateField(forms.CharField):
    """A message template, checked by the sandbox: a syntax error or an unknown variable is the
    field's error, with its line."""

    def __init__(self, cleaner: Callable[[Any], str], **kwargs: Any) -> None:
        kwargs.setdefault("required", False)  # the cleaner says what is missing, in its own words
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)
        self.cleaner = cleaner

    def clean(self, value: Any) -> str:
        try:
            return self.cleaner(super().clean(value))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


def _subject(actor: Actor) -> forms.Field:
    return TemplateField(
        validation.clean_subject_template,
        label=_("Subject"),
        widget=forms.TextInput(attrs={"class": "form-control", "maxlength": SUBJECT_TEMPLATE_MAX}),
    )


def _body(actor: Actor) -> forms.Field:
    return TemplateField(
        validation.clean_body_template,
        label=_("Message"),
        help_text=HELP,
        widget=forms.Textarea(attrs={"rows": 8, "class": "form-control font-monospace"}),
    )


def _queue(clients: QuerySet[Client], ctx: BulkContext) -> int:
    return services.messages_queue(
        clients,
        actor=ctx.actor,
        subject=ctx.params["subject"],
        body=ctx.params["body"],
        job_id=ctx.job_id,
        now=ctx.now,
    )


PARAMS = (
    BulkParam(
        "subject", _("Subject"), field=_subject, api_type=Text | None,
        schema=SUBJECT_TEMPLATE_RULES,
        description=(
            "The subject, a template: one line, at most 255 characters, e.g. `Dzień dobry {{ client.first_name }}`. "
            "Variables as listed by GET /api/messages/variables; a syntax error or an unknown variable is a 422 "
            "naming the line."
        ),
    ),
    BulkParam(
        "body", _("Message"), field=_body, api_type=Text | None,
        schema=BODY_TEMPLATE_RULES,
        description=(
            "The text, a template (plain text, at most 20,000 characters): `{{ client.<variable> }}`, "
            "`{% if %}` / `{% else %}` and the filters upper, lower, title, capitalize, trim, default. "
            "No loops."
        ),
    ),
)  # fmt: skip

register(
    BulkAction(
        name="send_message",
        label=_("Send message"),
        permission="messaging.send_message",
        lists=(CLIENTS,),
        event_type="messaging.message.queued",
        params=PARAMS,
        skips=(ARCHIVED, NO_EMAIL),
        apply=_queue,
        summary=ngettext_lazy(
            "An e-mail will be sent to %(count)s client.",
            "A separate e-mail will be sent to each of the %(count)s clients.",
            "count",
        ),
        done=ngettext_lazy(
            "%(count)s message queued; the worker sends it.",
            "%(count)s messages queued; the worker sends them.",
            "count",
        ),
        icon="bi-envelope-paper",
        changed_label=_("Queued"),
        confirm_template="messaging/bulk_preview.html",
    )
)
