"""Normalise and validate contact-person input, with the client's rules for e-mail and phone."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kartoteka.clients.validation import check_text, normalise_email, normalise_phone
from kartoteka.contacts import fields

# ASCII letters and digits, checked before upper-casing (which would turn e.g. "ﬀ" into "FF").
# What the API documents: empty, or 5 to 20 letters and digits among spaces and dashes (dropped).
DOCUMENT_PATTERN = r"^[ -]*(?:[A-Za-z0-9][ -]*){5,20}$|^[ -]*$"
_DOCUMENT = re.compile(r"[A-Za-z0-9]{5,20}")
_TRUE = {"1", "true", "on", "yes", "t", "y"}
_FALSE = {"", "0", "false", "off", "no", "f", "n"}


def normalise_document_number(value: str) -> str:
    """An ID card or passport number as the desk compares it: 'abc 123-456' -> 'ABC123456'."""
    value = re.sub(r"[ -]+", "", value)
    if value and not _DOCUMENT.fullmatch(value):
        raise ValidationError(
            _("Enter the document number as 5 to 20 letters and digits, e.g. ABC123456."), code="invalid"
        )
    return value.upper()


def _optional_email(value: str) -> str:
    return normalise_email(value) if value.strip() else ""


def _flag(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw if raw is not None else "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationError(_("Choose yes or no."), code="invalid")


_CLEANERS = {"email": _optional_email, "phone": normalise_phone, "id_document_number": normalise_document_number}


def input_limit(field: fields.ContactField) -> int:
    """The longest input the form and the API accept for a field, before normalising."""
    return field.input_max_length or field.max_length


def _text(field: fields.ContactField, raw: Any) -> str:
    value = "" if raw is None else str(raw)
    check_text(value, limit=input_limit(field), multi_line=field.multi_line)
    value = _CLEANERS[field.name](value) if field.name in _CLEANERS else value.strip()
    if field.required and not value:
        raise ValidationError(_("This field is required."), code="required")
    if len(value) > field.max_length:
        raise ValidationError(_("Use at most %(limit)d characters.") % {"limit": field.max_length}, code="max_length")
    return value


def clean_contact_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise the contact fields present in `data` (unknown keys are ignored).

    Returns the stored values; raises one ValidationError with a message per bad field.
    """
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[ValidationError]] = {}
    for name, raw in data.items():
        field = fields.BY_NAME.get(name)
        if field is None:
            continue
        try:
            cleaned[name] = _flag(raw) if field.flag else _text(field, raw)
        except ValidationError as exc:
            errors[name] = [exc]
    if errors:
        raise ValidationError(errors)
    return cleaned
