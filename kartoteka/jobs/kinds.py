"""Job kinds: what each app's background work is called, how it runs and how its report looks.

An app registers its kinds in its own `job_kinds.py` (discovered at start-up by JobsConfig), so
`jobs` never imports the apps whose work it runs: bulk actions, exports, message batches,
duplicate scans, anonymisation and imports all plug in the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    from kartoteka.core.actors import Actor
    from kartoteka.jobs.models import Job
    from kartoteka.jobs.runner import JobRun


def _no_context(job: Job, viewer: Actor) -> Mapping[str, Any]:
    return {}


GENERIC_FAILURE_NOTE = _("The job failed. What it finished before the failure stays done.")


@dataclass(frozen=True)
class JobKind:
    """`run(run)` does the work in chunks through the JobRun it is given (heartbeat, progress,
    cancellation, items). It raises ApplicationError with a sentence for the user when it must
    stop; any other exception fails the job with a generic message and goes to the log."""

    name: str
    title: Callable[[Job], str]  # "Move to the archive"
    run: Callable[[JobRun], None]
    report_template: str = ""  # included on the job page when the job has ended
    report_context: Callable[[Job, Actor], Mapping[str, Any]] = _no_context  # (job, who looks at it)
    # What a failed job of this kind leaves behind, shown above the error on the job page.
    failure_note: str | StrPromise = GENERIC_FAILURE_NOTE
    outcome_label: Callable[[str], str] = str  # an item's outcome in words, for the items CSV


_KINDS: dict[str, JobKind] = {}


def register_kind(kind: JobKind) -> JobKind:
    if kind.name in _KINDS:
        raise ValueError(f"Job kind {kind.name!r} is registered twice.")
    _KINDS[kind.name] = kind
    return kind


def get_kind(name: str) -> JobKind | None:
    discover()
    return _KINDS.get(name)


def job_title(job: Job) -> str:
    kind = get_kind(job.kind)
    return kind.title(job) if kind else job.action


_discovered = False


def discover() -> None:
    """Import every installed app's `job_kinds` module once (idempotent)."""
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("job_kinds")
