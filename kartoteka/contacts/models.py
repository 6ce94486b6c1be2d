from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kartoteka.clients.models import Client
from kartoteka.contacts import fields
from kartoteka.core.models import TimeStampedModel
from kartoteka.core.relations import ClientRelation, OnAnonymise, OnDelete, OnMerge


class ContactPerson(TimeStampedModel):
    """A person at a client whom staff talk to, who may collect its mail or represent it (R3)."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="contact_persons")
    # The editable fields (declared in contacts.fields), written only by contacts.services.
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, help_text=_("E.164"))
    position = models.CharField(_("position"), max_length=100, blank=True)
    is_contact_person = models.BooleanField(_("contact person"), default=True)
    may_collect_mail = models.BooleanField(_("may collect mail"), default=False)
    may_represent = models.BooleanField(_("may represent"), default=False)
    id_document_number = models.CharField(_("ID document number"), max_length=20, blank=True)
    additional_info = models.TextField(_("additional information"), blank=True)
    # Raised by every change: an edit or removal made on a stale copy is refused (412 / the dialog's
    # "changed meanwhile"), as for clients and cases.
    version = models.PositiveIntegerField(default=1)

    client_relation = ClientRelation(
        OnMerge.MOVE, OnAnonymise.DELETE, personal_fields=fields.PERSONAL, on_delete=OnDelete.DELETE
    )
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = fields.PERSONAL

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(fields=["client", "id"], name="contacts_contact_client_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(first_name="") & ~Q(last_name=""), name="contacts_contactperson_named"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def phone_display(self) -> str:
        from kartoteka.clients.validation import format_phone

        return format_phone(self.phone)
