"""A mail item ("przesyłka"): post received for a client of the virtual office (R16).

It is received, then collected by a contact person allowed to collect the client's mail,
forwarded to an address, or scanned (a scan can be attached whatever the status). The scan file
lives outside the database, under KARTOTEKA_MAIL_SCAN_DIR with a random name (mailroom.scans).
"""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kartoteka.clients.models import Client
from kartoteka.contacts.models import ContactPerson
from kartoteka.core.models import TimeStampedModel
from kartoteka.core.relations import ClientRelation, OnAnonymise, OnDelete, OnMerge

SENDER_MAX = 200
NOTE_MAX = 5000
ADDRESS_MAX = 500
COLLECTOR_MAX = 201  # a contact person's first and last name
SCAN_NAME_MAX = 200
# What anonymisation writes into the personal fields that a status requires to be filled.
ANONYMISED = "—"


def _release_scans(rows: models.QuerySet["MailItem"]) -> None:
    from kartoteka.mailroom.scans import scans_release

    scans_release(rows)


class MailItem(TimeStampedModel):
    class Kind(models.TextChoices):
        LETTER = "letter", _("Letter")
        REGISTERED = "registered", _("Registered letter")
        PARCEL = "parcel", _("Parcel")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        COLLECTED = "collected", _("Collected")
        FORWARDED = "forwarded", _("Forwarded")
        SCANNED = "scanned", _("Scanned")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="mail_items", verbose_name=_("client"))
    received_on = models.DateField(_("received"))
    sender = models.CharField(_("sender"), max_length=SENDER_MAX)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.LETTER)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    # Collected: by which contact person (the name as it was: the person may be removed later),
    # when, and which staff member handed it over.
    collected_at = models.DateTimeField(_("collected"), null=True, blank=True)
    collected_by = models.ForeignKey(
        ContactPerson, on_delete=models.SET_NULL, null=True, blank=True, related_name="collected_mail"
    )
    collected_by_name = models.CharField(_("collected by"), max_length=COLLECTOR_MAX, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Forwarded: to which address, on which day.
    forwarded_to = models.TextField(_("forwarded to"), blank=True)
    forwarded_on = models.DateField(_("forwarded"), null=True, blank=True)
    # The scan: its random file name under KARTOTEKA_MAIL_SCAN_DIR ("" = none), the name it was
    # uploaded under (for the download), the content type found in its content, its size.
    scan_file = models.CharField(max_length=64, blank=True, editable=False)
    scan_name = models.CharField(_("scan"), max_length=SCAN_NAME_MAX, blank=True)
    scan_type = models.CharField(max_length=20, blank=True, editable=False)
    scan_size = models.PositiveBigIntegerField(default=0, editable=False)
    scanned_at = models.DateTimeField(_("scanned"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Bumped by every change: a change made on a stale copy is refused (409 / 412 with If-Match).
    version = models.PositiveIntegerField(default=1)
    # Folded sender, for a sort that ignores case and puts Ł among the L's on every database.
    sort_sender = models.CharField(max_length=SENDER_MAX, editable=False, default="")
    # Folded sender and note: what the search matches (with the client's own search text).
    search_text = models.TextField(editable=False, default="")

    # Merge: the base client takes over the mail. Anonymise: the row stays (the office counts
    # what it handled: collected, forwarded, scanned), the sender, note, addresses and names are
    # scrubbed (to ANONYMISED where a status requires a value) and the scan file is deleted
    # (`release`). Delete: the mail goes with the client, scan files included (docs/decisions.md).
    client_relation = ClientRelation(
        OnMerge.MOVE,
        OnAnonymise.SCRUB,
        personal_fields=("sender", "note", "forwarded_to", "collected_by_name", "scan_name"),
        on_delete=OnDelete.DELETE,
        release=_release_scans,
    )
    SCRUBBED_VALUES: ClassVar[dict[str, str]] = {"sender": ANONYMISED, "collected_by_name": ANONYMISED,
                                                 "forwarded_to": ANONYMISED}  # fmt: skip

    class Meta:
        verbose_name = _("mail item")
        verbose_name_plural = _("mail items")
        indexes = [
            # The Korespondencja page: newest first, for everyone or one client (keyset pages).
            models.Index(fields=["received_on", "id"], name="mailroom_mail_received_idx"),
            models.Index(fields=["client", "received_on", "id"], name="mailroom_mail_client_idx"),
            models.Index(fields=["status", "id"], name="mailroom_mail_status_idx"),
            models.Index(fields=["sort_sender", "id"], name="mailroom_mail_sender_idx"),
            models.Index(fields=["kind", "id"], name="mailroom_mail_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["received", "collected", "forwarded", "scanned"]),
                name="mailroom_mailitem_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["letter", "registered", "parcel", "other"]), name="mailroom_mailitem_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="collected") | (Q(collected_at__isnull=False) & ~Q(collected_by_name="")),
                name="mailroom_mailitem_collected_has_collector",
            ),
            models.CheckConstraint(
                condition=~Q(status="forwarded") | (Q(forwarded_on__isnull=False) & ~Q(forwarded_to="")),
                name="mailroom_mailitem_forwarded_has_address",
            ),
            models.CheckConstraint(
                condition=~Q(status="scanned") | ~Q(scan_file=""), name="mailroom_mailitem_scanned_has_scan"
            ),
            models.UniqueConstraint(
                fields=["scan_file"], condition=~Q(scan_file=""), name="mailroom_mailitem_scan_file_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.sender}"

    @property
    def has_scan(self) -> bool:
        return bool(self.scan_file)

    @property
    def is_open(self) -> bool:
        """Still at the office: it can be collected or forwarded."""
        return self.status in (self.Status.RECEIVED, self.Status.SCANNED)
