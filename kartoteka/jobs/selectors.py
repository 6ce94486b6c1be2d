from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kartoteka.core.actors import Actor
from kartoteka.core.errors import NotFound
from kartoteka.jobs.models import Job


def job_scope(*, actor: Actor) -> QuerySet[Job]:
    """The jobs the actor started; every job for those who may view all of them."""
    if actor.is_active and actor.has_perm("jobs.view_job"):
        return Job.objects.all()
    return Job.objects.filter(Q(started_by=actor) & Q(started_by__isnull=False))


def job_get(*, actor: Actor, job_id: int) -> Job:
    job = job_scope(actor=actor).select_related("started_by").filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("Job not found."))
    return job
