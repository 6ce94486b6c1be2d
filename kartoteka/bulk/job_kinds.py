"""The "bulk" job kind: a bulk action over a selection too large to run at once."""

from __future__ import annotations

from typing import Any

from kartoteka.bulk.registry import find_action, report_lines
from kartoteka.bulk.services import bulk_job_execute
from kartoteka.jobs.kinds import JobKind, register_kind
from kartoteka.jobs.models import Job


def _title(job: Job) -> str:
    """The action's label ("bulk.archive" -> "Move to the archive")."""
    action = find_action(job.parameters.get("action") or job.action.removeprefix("bulk."))
    return str(action.label) if action else job.action


def _report(job: Job) -> dict[str, Any]:
    return {"report": report_lines(job.result)}


register_kind(
    JobKind(name="bulk", title=_title, run=bulk_job_execute, report_template="bulk/report.html", report_context=_report)
)
