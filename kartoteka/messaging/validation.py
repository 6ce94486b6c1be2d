"""Cleaners of message input, shared by the bulk action's form, the business-card form and the API.

Each returns the stored form of a value or raises ValueError with the message for that field
(core.cleaning.clean_fields collects them into a ValidationError, a message per field).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _

from kartoteka.clients.validation import check_text, normalise_email
from kartoteka.messaging.models import SUBJECT_MAX
from kartoteka.messaging.templating import BODY_TEMPLATE_MAX, SUBJECT_TEMPLATE_MAX, TemplateProblem, check_template

BODY_MAX = BODY_TEMPLATE_MAX
VCARD_VERSIONS = ("3.0", "4.0")


def _text(value: Any, *, limit: int, multi_line: bool, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValueError(_("Enter text."))
    try:
        check_text(value, limit=limit, multi_line=multi_line)
    except DjangoValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from exc
    if required and not value.strip():
        raise ValueError(_("This field is required."))
    return value.strip() if not multi_line else value


def clean_subject_template(value: Any) -> str:
    text = _text(value, limit=SUBJECT_TEMPLATE_MAX, multi_line=False, required=True)
    _template(text, SUBJECT_TEMPLATE_MAX)
    return text


def clean_body_template(value: Any) -> str:
    text = _text(value, limit=BODY_TEMPLATE_MAX, multi_line=True, required=True)
    _template(text, BODY_TEMPLATE_MAX)
    return text


def _template(text: str, limit: int) -> None:
    try:
        check_template(text, max_length=limit)
    except TemplateProblem as exc:
        raise ValueError(str(exc)) from exc


def clean_subject(value: Any) -> str:
    return _text(value, limit=SUBJECT_MAX, multi_line=False, required=True)


def clean_body(value: Any) -> str:
    return _text(value, limit=BODY_MAX, multi_line=True, required=False)


def clean_recipient(value: Any) -> str:
    text = _text(value, limit=254, multi_line=False, required=False)
    try:
        return normalise_email(text)
    except DjangoValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from exc


def clean_vcard_version(value: Any) -> str:
    if value in (None, ""):
        return "3.0"
    if value not in VCARD_VERSIONS:
        raise ValueError(_("Choose vCard version 3.0 or 4.0."))
    return str(value)
