"""The "bulk" job kind: a bulk action over a selection too large to run at once."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kartoteka.bulk.registry import find_action, report_lines, skip_label
from kartoteka.bulk.services import bulk_job_execute
from kartoteka.clients.selectors import client_scope
from kartoteka.core.actors import Actor
from kartoteka.core.errors import PermissionDenied
from kartoteka.jobs.kinds import JobKind, register_kind
from kartoteka.jobs.models import Job, JobItem
from kartoteka.jobs.selectors import job_items_skipped

SKIPPED_SHOWN = 20  # on the job page; its items CSV and GET /api/jobs/{id}/items list every client


def _title(job: Job) -> str:
    """The action's label ("bulk.archive" -> "Move to the archive")."""
    action = find_action(job.parameters.get("action") or job.action.removeprefix("bulk."))
    return str(action.label) if action else job.action


def _report(job: Job, viewer: Actor) -> dict[str, Any]:
    """The counts, and the first skipped clients by name with their reason (two queries)."""
    skipped = job_items_skipped(job=job, limit=SKIPPED_SHOWN + 1)
    try:
        found = client_scope(actor=viewer).filter(id__in=[client_id for client_id, _ in skipped])
        names = {c.pk: c.display_name for c in found.only("id", "first_name", "last_name", "company_name")}
    except PermissionDenied:
        names = {}
    action = find_action(job.parameters.get("action") or job.action.removeprefix("bulk."))
    return {
        "changed_label": action.changed_label if action else _("Changed"),
        "report": report_lines(job.result),
        "skipped_clients": [(pk, names.get(pk, ""), skip_label(code)) for pk, code in skipped[:SKIPPED_SHOWN]],
        "skipped_more": len(skipped) > SKIPPED_SHOWN,
    }


def _outcome_label(code: str) -> str:
    return str(_("changed")) if code == JobItem.CHANGED else skip_label(code)


register_kind(
    JobKind(
        name="bulk",
        title=_title,
        run=bulk_job_execute,
        report_template="bulk/report.html",
        report_context=_report,
        outcome_label=_outcome_label,
        failure_note=_(
            "The job failed. Clients changed before the failure stay changed; no client was changed only in part."
        ),
    )
)
