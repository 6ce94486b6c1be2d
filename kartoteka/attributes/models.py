"""Custom attributes ("cechy", R11): what administrators define, and each client's values.

A value is one row of `AttributeValue` with one typed column filled (text, number, date, yes/no,
or the chosen option's id); "several of a list" is one row per chosen option. Each typed column
has a partial index led by the attribute, so a filter on an attribute reads only its matching
rows on SQLite and PostgreSQL alike (docs/decisions.md, "Custom attribute values: a typed value
table"). Values of list types reference the option's id, so renaming an option keeps them.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kartoteka.clients.models import Client
from kartoteka.core.models import TimeStampedModel
from kartoteka.core.relations import ClientRelation, OnAnonymise, OnDelete, OnMerge

NAME_MAX = 100
KEY_MAX = 40
OPTION_MAX = 100
TEXT_MAX = 500
NUMBER_DIGITS = 20
NUMBER_PLACES = 6


class Attribute(TimeStampedModel):
    class Type(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        BOOL = "bool", _("Yes / no")
        CHOICE = "choice", _("One of a list")
        MULTI = "multi", _("Several of a list")

    name = models.CharField(_("name"), max_length=NAME_MAX)
    # The name folded for uniqueness (as groups' names): a database rule, not only a Python check.
    name_key = models.CharField(max_length=3 * NAME_MAX, unique=True, editable=False)
    key = models.CharField(_("key"), max_length=KEY_MAX, unique=True)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    required = models.BooleanField(_("required"), default=False)
    position = models.IntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(type__in=["text", "number", "date", "bool", "choice", "multi"]),
                name="attributes_attribute_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_options(self) -> bool:
        return self.type in (self.Type.CHOICE, self.Type.MULTI)


class AttributeOption(TimeStampedModel):
    """An allowed value of a list attribute; clients' values point at its id, never its text."""

    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("value"), max_length=OPTION_MAX)
    label_key = models.CharField(max_length=3 * OPTION_MAX, editable=False)
    position = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("allowed value")
        verbose_name_plural = _("allowed values")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["attribute", "label_key"], name="attributes_option_label_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class AttributeValue(models.Model):
    """One client's value of one attribute (of a "several" attribute: one row per chosen option)."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="attribute_values")
    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="values")
    # NULL, not "": a row holds one typed value, and each typed index covers only its non-NULL rows.
    value_text = models.CharField(max_length=TEXT_MAX, null=True)  # noqa: DJ001
    value_number = models.DecimalField(max_digits=NUMBER_DIGITS, decimal_places=NUMBER_PLACES, null=True)
    value_date = models.DateField(null=True)
    value_bool = models.BooleanField(null=True)
    option = models.ForeignKey(AttributeOption, on_delete=models.PROTECT, null=True, related_name="values")

    client_relation: ClassVar[ClientRelation] = ClientRelation(
        OnMerge.KEEP_BASE,
        OnAnonymise.DELETE,
        personal_fields=("value_text", "value_number", "value_date", "value_bool", "option"),
        on_delete=OnDelete.DELETE,
    )

    class Meta:
        verbose_name = _("attribute value")
        verbose_name_plural = _("attribute values")
        indexes = [
            # Reading a page's values, and deleting a client's.
            models.Index(fields=["client", "attribute"], name="attributes_value_client_idx"),
            # "set / not set".
            models.Index(fields=["attribute", "client"], name="attributes_value_attr_idx"),
            *(
                models.Index(
                    fields=["attribute", column, "client"],
                    name=f"attributes_value_{column[6:] if column != 'option' else 'option'}_idx",
                    condition=Q(**{f"{column}__isnull": False}),
                )
                for column in ("value_text", "value_number", "value_date", "value_bool", "option")
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "attribute"], condition=Q(option__isnull=True), name="attributes_value_one"
            ),
            models.UniqueConstraint(
                fields=["client", "attribute", "option"],
                condition=Q(option__isnull=False),
                name="attributes_value_option_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attribute_id}={self.value_text or self.value_number or self.value_date or self.option_id}"
