"""The bulk action "Export" (R8): the selected clients, or all matching the list's filter, to a file.

A normal registry declaration; what makes it an export is `output`: the bulk framework runs it
as a job whose file is the export (at once for a small selection, in the worker for a large one).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from kartoteka.api.schemas import Text
from kartoteka.bulk.registry import ARCHIVE, CLIENTS, BulkAction, BulkContext, BulkOutput, BulkParam, register
from kartoteka.clients.models import Client
from kartoteka.core.actors import Actor
from kartoteka.exports import services
from kartoteka.exports.columns import columns_for
from kartoteka.exports.writers import format_choices

MAX_COLUMNS = 200


def _columns(actor: Actor) -> Iterable[tuple[Any, Any]]:
    return [(c.key, c.label) for c in columns_for(actor)]


def _format_field(actor: Actor) -> forms.Field:
    """The format, the user's last one offered first."""
    initial = services.export_preference_get(actor=actor)[0]
    return forms.ChoiceField(label=_("Format"), choices=[("", "—"), *format_choices()], initial=initial)


def _columns_field(actor: Actor) -> forms.Field:
    """The columns in their order (the ticked checkboxes, as the rows stand: bulk/ordered-choices.js);
    the user's last choice (or the defaults) ticked and first."""
    return forms.MultipleChoiceField(
        label=_("Columns"),
        choices=list(_columns(actor)),
        required=False,
        initial=services.export_preference_get(actor=actor)[1],
        help_text=_("Tick the columns to include; the arrows set their order."),
        widget=forms.SelectMultiple(attrs={"data-ordered-choices": ""}),
    )


def _apply(clients: QuerySet[Client], ctx: BulkContext) -> int:
    sink: services.ExportSink = ctx.output
    return sink.add(clients)


register(
    BulkAction(
        name="export",
        label=_("Export"),
        permission="exports.export_clients",
        lists=(CLIENTS, ARCHIVE),
        event_type="exports.clients.exported",
        params=(
            BulkParam("format", _("Format"), lambda actor: format_choices(), field=_format_field),
            BulkParam(
                "columns",
                _("Columns"),
                _columns,
                field=_columns_field,
                api_type=list[Text] | None,
                schema={"maxItems": MAX_COLUMNS},
                many=True,
                required=False,
                description=_(
                    "Column keys in the order wanted; leave out for the columns of your last export "
                    "(or the defaults). vCard files have their own fixed fields."
                ),
            ),
        ),
        apply=_apply,
        output=BulkOutput(
            file_name=services.export_file_name,
            content_type=services.export_content_type,
            open=services.export_open,
            keep_hours=lambda: settings.KARTOTEKA_EXPORT_FILES_KEEP_HOURS,
            status_url="/api/exports/{id}",
            file_url="/api/exports/{id}/download",
        ),
        summary=ngettext_lazy("%(count)s client will be exported.", "%(count)s clients will be exported.", "count"),
        done=ngettext_lazy("%(count)s client exported.", "%(count)s clients exported.", "count"),
        icon="bi-download",
        changed_label=_("Exported"),
    )
)
