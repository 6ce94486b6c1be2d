"""Normalise and validate client input (R1.2). Each function returns the stored form of a value
or raises ValidationError with a message for that field. Messages are translated (pl/en)."""

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from email_validator import EmailNotValidError, validate_email
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pl import nip as stdnum_nip

from kartoteka.clients import fields

DEFAULT_REGION = "PL"

# The longest note and group or label name accepted (the client fields' limits are in clients.fields).
NOTE_MAX_LENGTH = 20000
SET_NAME_MAX_LENGTH = 100

# Control characters (Unicode category Cc) are never stored; multi-line texts keep tabs and line breaks.
_CONTROL = r"\x00-\x1f\x7f-\x9f"
_CONTROL_MULTI_LINE = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# The same rules for the OpenAPI document: no control character; "not blank" = one non-space character.
SINGLE_LINE_PATTERN = f"^[^{_CONTROL}]*$"
SINGLE_LINE_NOT_BLANK_PATTERN = rf"^[^{_CONTROL}]*[^\s{_CONTROL}][^{_CONTROL}]*$"
MULTI_LINE_NOT_BLANK_PATTERN = rf"^[^{_CONTROL_MULTI_LINE}]*[^\s{_CONTROL_MULTI_LINE}][^{_CONTROL_MULTI_LINE}]*$"
_ALLOWED_IN_MULTI_LINE = frozenset("\t\n\r")
_POSTAL_CODE_PL = re.compile(r"^\d{2}-\d{3}$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def check_text(value: str, *, limit: int, multi_line: bool = False) -> str:
    """Refuse control characters (NUL included), lone surrogates and a value over `limit` characters."""
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cs") and not (multi_line and ch in _ALLOWED_IN_MULTI_LINE):
            if multi_line:
                message = _(
                    "Remove the control characters (such as NUL) from this text; tabs and line breaks may stay."
                )
            else:
                message = _("Remove the control characters (such as NUL, tabs or line breaks) from this text.")
            raise ValidationError(message, code="control_characters")
    if len(value) > limit:
        raise ValidationError(_("Use at most %(limit)d characters.") % {"limit": limit}, code="max_length")
    return value


def normalise_email(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError(_("Enter an e-mail address."), code="required")
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(_("Enter a valid e-mail address, e.g. jan.kowalski@example.pl."), code="invalid") from exc
    return result.normalized.lower()


def normalise_phone(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Enter a valid phone number, e.g. +48 600 123 456."), code="invalid") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a valid phone number, e.g. +48 600 123 456."), code="invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Polish mobile numbers ("600 123 456"), the common case, formatted without parsing (a list shows
# fifty phones a page; parsing took 55 µs each). The prefixes are libphonenumber's for this
# format (metadata of PL); test_validation checks the shortcut against phonenumbers.
_PL_MOBILE = re.compile(r"\+48((?:21|39|45|5[0137]|6[0469]|7[02389]|8(?:0[14]|8))\d*)")


def format_phone(e164: str) -> str:
    """How a stored phone number is shown: national format for Poland, international otherwise."""
    if not e164:
        return ""
    mobile = _PL_MOBILE.fullmatch(e164)
    if mobile and len(national := mobile.group(1)) == 9:
        return f"{national[:3]} {national[3:6]} {national[6:]}"
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == DEFAULT_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalise_nip(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if value.upper().startswith("PL"):
        value = value[2:]
    try:
        return str(stdnum_nip.validate(value))
    except StdnumError as exc:
        raise ValidationError(
            _("Enter a valid NIP: 10 digits with a correct check digit, e.g. 525-000-58-34."),
            code="invalid",
        ) from exc


def normalise_postal_code(value: str, country: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if country.upper() == "PL":
        if re.fullmatch(r"\d{5}", value):
            value = f"{value[:2]}-{value[2:]}"
        if not _POSTAL_CODE_PL.match(value):
            raise ValidationError(_("Enter a Polish postal code as NN-NNN, e.g. 00-950."), code="invalid")
    elif len(value) > 12:
        raise ValidationError(_("A postal code has at most 12 characters."), code="invalid")
    return value


def normalise_website(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if "://" not in value:
        value = "https://" + value
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError as exc:
        raise ValidationError(
            _("Enter a website address starting with http:// or https://, e.g. https://example.pl."),
            code="invalid",
        ) from exc
    return value


def normalise_country(value: str) -> str:
    value = value or "PL"
    if not re.fullmatch(r"[A-Za-z]{2}", value):
        raise ValidationError(_("Enter a two-letter country code, e.g. PL."), code="invalid")
    return value.upper()


def normalise_color(value: str) -> str:
    value = value or "#6c757d"
    if not _COLOR.match(value):
        raise ValidationError(_("Enter a colour as #RRGGBB, e.g. #0d6efd."), code="invalid")
    return value.lower()


def _required_text(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError(_("This field is required."), code="required")
    return value


def _country_of(data: dict[str, Any], stored_country: str) -> str:
    """The country the postal code is checked for; an invalid one is reported under `country` alone."""
    if "country" not in data:
        return stored_country
    try:
        return normalise_country(str(data.get("country") or ""))
    except ValidationError:
        return ""


def input_limit(name: str) -> int:
    """The longest input the form and the API accept for a client field, before normalising."""
    declared = fields.BY_NAME[name]
    return declared.input_max_length or declared.max_length


def clean_client_fields(data: dict[str, Any], *, stored_country: str = DEFAULT_REGION) -> dict[str, Any]:
    """Validate and normalise the client fields present in `data`.

    A postal code follows the country in `data`, or the client's `stored_country` when the
    change leaves the country alone (a German client's postal code is not checked as Polish).
    Returns the normalised values; raises one ValidationError with a message per bad field.
    """
    country = _country_of(data, stored_country)
    cleaners: dict[str, Callable[[str], str]] = {
        "email": normalise_email,
        "phone": normalise_phone,
        "nip": normalise_nip,
        "website": normalise_website,
        "postal_code": lambda v: normalise_postal_code(v, country),
        "country": normalise_country,
    }
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[ValidationError]] = {}
    for name, raw in data.items():
        value = "" if raw is None else str(raw)
        declared = fields.BY_NAME.get(name)
        try:
            if declared:
                check_text(value, limit=input_limit(name))
            if name in cleaners:
                cleaned[name] = cleaners[name](value)
            else:
                cleaned[name] = _required_text(value) if declared and declared.required else value.strip()
            if declared and len(cleaned[name]) > declared.max_length:
                raise ValidationError(
                    _("Use at most %(limit)d characters.") % {"limit": declared.max_length}, code="max_length"
                )
        except ValidationError as exc:
            errors[name] = [exc]
    if errors:
        raise ValidationError(errors)
    return cleaned
