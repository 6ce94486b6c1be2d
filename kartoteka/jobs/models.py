from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """A piece of background work: who started it, its progress (done / total) and its outcome.

    `kind` names the registered JobKind that runs it (kartoteka.jobs.kinds); `action` is what the
    kind calls the work ("bulk.archive"). A running job beats `heartbeat_at` at least once per
    chunk; `attempts` counts how often a worker took it (a stale job is resumed, then given up).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=64, default="")
    action = models.CharField(_("action"), max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    parameters = models.JSONField(default=dict, blank=True)  # what to do, incl. the selection
    result = models.JSONField(default=dict, blank=True)  # {"changed": n, "skipped": {reason: n}, ...}
    state = models.JSONField(default=dict, blank=True)  # what a resumed run needs (e.g. its audit event)
    error = models.TextField(_("error"), blank=True)  # a sentence for the user; details go to the log
    # The file a job may produce (an export): under KARTOTEKA_JOB_FILES_DIR with a random name.
    file_path = models.CharField(max_length=200, blank=True, default="")
    file_name = models.CharField(_("file name"), max_length=200, blank=True, default="")
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    file_content_type = models.CharField(max_length=100, blank=True, default="")
    file_expires_at = models.DateTimeField(_("file kept until"), null=True, blank=True)
    # Notifications: shown once as a toast, unread in the bell until the starter opens the job.
    notified_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["started_by", "-created_at"], name="jobs_job_started_by_idx"),
            models.Index(fields=["status", "heartbeat_at"], name="jobs_job_status_heartbeat_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "succeeded", "failed", "cancelled"]),
                name="jobs_job_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def can_be_cancelled(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING) and not self.cancel_requested

    @property
    def has_file(self) -> bool:
        return bool(self.file_path)

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0


class JobItem(models.Model):
    """One object a job acts on, frozen when the user confirmed, with what the job did to it.

    `outcome` is "" while pending, then "changed" or the code of the reason it was skipped. The
    rows are written set-based (INSERT ... SELECT, UPDATE ... WHERE) and walked in id order, so a
    resumed job goes on from the first pending item and never applies an action twice.
    """

    PENDING = ""
    CHANGED = "changed"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="items", db_index=False)
    object_id = models.BigIntegerField()  # no foreign key: the job outlives a deleted object
    outcome = models.CharField(max_length=40, blank=True, default=PENDING)

    class Meta:
        verbose_name = _("job item")
        verbose_name_plural = _("job items")
        indexes = [models.Index(fields=["job", "id"], name="jobs_jobitem_job_id_idx")]

    def __str__(self) -> str:
        return f"job {self.job_id}: {self.object_id} {self.outcome or 'pending'}"
