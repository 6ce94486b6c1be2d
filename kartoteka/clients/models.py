import unicodedata
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kartoteka.clients import fields
from kartoteka.core.models import TimeStampedModel
from kartoteka.core.relations import ClientRelation, OnAnonymise, OnDelete, OnMerge


class ColouredSet(TimeStampedModel):
    """A named, coloured set of clients (groups and labels share this shape)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    # The name folded for uniqueness: `Żółw`, `ŻÓŁW` and a decomposed `Żółw` are one name. A database
    # rule, not a Python check: Python's check alone lets two concurrent requests both pass.
    name_key = models.CharField(max_length=300, unique=True, editable=False)
    color = models.CharField(_("colour"), max_length=7, default="#6c757d")

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_key = self.key_of(self.name)
        super().save(*args, **kwargs)

    @staticmethod
    def normalise_name(name: str) -> str:
        """The stored form of a name: trimmed, in Unicode normal form C."""
        return unicodedata.normalize("NFC", name.strip())

    @staticmethod
    def key_of(name: str) -> str:
        """NFC, case-folded, NFC again (folding can decompose: 'İ' -> 'i̇')."""
        return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


class ClientGroup(ColouredSet):
    class Meta(ColouredSet.Meta):
        verbose_name = _("group")
        verbose_name_plural = _("groups")


class Label(ColouredSet):
    class Meta(ColouredSet.Meta):
        verbose_name = _("label")
        verbose_name_plural = _("labels")


class Client(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Manual")
        FORM = "form", _("Web form")
        IMPORT = "import", _("Import")
        API = "api", _("API")

    # The editable fields (declared in clients.fields), written only by clients.services.
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254)
    phone = models.CharField(_("phone"), max_length=20, blank=True, help_text=_("E.164"))
    website = models.URLField(_("website"), max_length=300, blank=True)
    nip = models.CharField(_("NIP"), max_length=10, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    country = models.CharField(_("country"), max_length=2, default="PL")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    groups = models.ManyToManyField(ClientGroup, blank=True, related_name="clients", verbose_name=_("groups"))
    labels = models.ManyToManyField(Label, blank=True, related_name="clients", verbose_name=_("labels"))

    # Folded copy of the searchable fields; the full-text index (clients.search) is built on it.
    search_text = models.TextField(editable=False, default="")
    # Folded "last name first name": sorting by name ignores case and puts Ł among the L's and
    # Ć among the C's on every database (a binary collation would put them after Z).
    sort_name = models.CharField(max_length=201, editable=False, default="")
    # Raised by every write to the client (one or bulk): an edit is saved only if the version is
    # still the one it started from, so no change is silently overwritten (the API's ETag).
    version = models.IntegerField(default=1, editable=False)

    m2m_relations: ClassVar[dict[str, ClientRelation]] = {
        "groups": ClientRelation(OnMerge.UNION, OnAnonymise.KEEP, on_delete=OnDelete.DELETE),
        "labels": ClientRelation(OnMerge.UNION, OnAnonymise.KEEP, on_delete=OnDelete.DELETE),
    }
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = fields.PERSONAL

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        permissions = [
            ("archive_client", "Can archive and restore clients"),
            ("bulk_client", "Can run bulk actions on clients"),
        ]
        indexes = [
            models.Index(fields=["created_at", "id"], name="clients_client_created_idx"),
            models.Index(fields=["sort_name", "id"], name="clients_client_sort_name_idx"),
            models.Index(fields=["email", "id"], name="clients_client_email_idx"),
            models.Index(fields=["phone", "id"], name="clients_client_phone_idx"),
            models.Index(fields=["nip"], name="clients_client_nip_idx", condition=~Q(nip="")),
            # Every list has archived_at IS NULL (or NOT NULL) and most a status: the first page
            # walks this in id order, and a count reads only this index.
            models.Index(fields=["archived_at", "status", "id"], name="clients_client_live_idx"),
            models.Index(fields=["archived_at", "id"], name="clients_client_archived_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["active", "inactive"]), name="clients_client_status_valid"),
            models.CheckConstraint(
                condition=Q(archived_at__isnull=True) | Q(status="inactive"),
                name="clients_client_archived_is_inactive",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def display_name(self) -> str:
        if self.company_name and not self.last_name:
            return f"{self.company_name} ({self.first_name})"
        return self.full_name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def phone_display(self) -> str:
        from kartoteka.clients.validation import format_phone

        return format_phone(self.phone)


class ClientCount(models.Model):
    """How many clients a list holds: all of them (kind "all", set_id 0), a group or a label, per
    status and archive state. Kept by database triggers (clients/counts.py); never written by code."""

    kind = models.CharField(max_length=5)
    set_id = models.BigIntegerField()
    status = models.CharField(max_length=10)
    archived = models.BooleanField()
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "set_id", "status", "archived"], name="clients_count_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.set_id} {self.status} {'archived' if self.archived else 'live'}: {self.n}"


class Note(TimeStampedModel):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("text"))

    client_relation = ClientRelation(
        OnMerge.MOVE, OnAnonymise.DELETE, personal_fields=("text",), on_delete=OnDelete.DELETE
    )

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "-created_at"], name="clients_note_client_idx")]
        permissions = [("moderate_note", "Can edit and delete other people's notes")]

    def __str__(self) -> str:
        return self.text[:50]
