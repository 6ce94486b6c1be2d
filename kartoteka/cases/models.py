"""A case ("sprawa"): a piece of work done for one client, open until someone closes it (R4.2)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kartoteka.clients.models import Client
from kartoteka.core.models import TimeStampedModel
from kartoteka.core.relations import ClientRelation, OnAnonymise, OnDelete, OnMerge

TITLE_MAX = 200
DESCRIPTION_MAX = 20000


class Case(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="cases", verbose_name=_("client"))
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_cases",
        verbose_name=_("owner"),
    )
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Bumped by every change: an edit made on a stale copy is refused instead of overwriting (409).
    version = models.PositiveIntegerField(default=1)
    # Folded title, for a sort that ignores case and puts Ł among the L's on every database.
    sort_title = models.CharField(max_length=TITLE_MAX, editable=False, default="")
    # Folded title and description: what the search matches (with the client's own search text).
    search_text = models.TextField(editable=False, default="")

    # Merge: the base client takes over the cases. Anonymise: a case's title and description may
    # name the person or their affairs, so they are blanked; the case stays (counts, dates, owner).
    # Delete: closed cases go with the client; an open case refuses the deletion — the work is
    # not finished, and a permanent delete must not silently end it (docs/decisions.md).
    client_relation = ClientRelation(
        OnMerge.MOVE,
        OnAnonymise.SCRUB,
        personal_fields=("title", "description"),
        on_delete=OnDelete.DELETE,
        refuse_delete_if=Q(status="open"),
        refuse_delete_reason=_("open cases"),
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["client", "status"], name="cases_case_client_idx"),
            models.Index(fields=["sort_title", "id"], name="cases_case_title_idx"),
            models.Index(fields=["opened_at", "id"], name="cases_case_opened_idx"),
            models.Index(fields=["closed_at", "id"], name="cases_case_closed_idx"),
            models.Index(fields=["owner", "id"], name="cases_case_owner_idx"),
            models.Index(fields=["status", "id"], name="cases_case_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["open", "closed"]), name="cases_case_status_valid"),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True) | Q(status="closed", closed_at__isnull=False),
                name="cases_case_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
