"""The one declaration of a client's editable fields.

The service (what may be written), validation (required, length), the web form, the API's field
list, search_text, the history labels, the demo data and the personal-data list of anonymisation
all read this tuple, so a new field is added here once. The model keeps its explicit columns
(migrations need them); a test checks that both agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


@dataclass(frozen=True)
class ClientField:
    name: str
    label: str | _StrPromise
    max_length: int  # of the stored (normalised) value, the model column's
    required: bool = False
    personal: bool = True  # personal data: blanked by anonymisation (R15)
    searchable: bool = False  # copied into search_text
    exportable: bool = True  # offered by exports
    default: str = ""
    input_max_length: int | None = None  # the form accepts more before normalising (e.g. "+48 600-123-456")
    input_type: str = ""  # the HTML input type, when not plain text
    width: str = "col-md-6"  # the form's column class


CLIENT_FIELDS: tuple[ClientField, ...] = (
    ClientField("first_name", _("First name"), 100, required=True, searchable=True),
    ClientField("last_name", _("Last name"), 100, searchable=True),
    ClientField("company_name", _("Company name"), 200, searchable=True),
    ClientField("email", _("E-mail"), 254, required=True, searchable=True, input_type="email"),
    ClientField("phone", _("Phone"), 20, searchable=True, input_max_length=40, input_type="tel"),
    ClientField("website", _("Website"), 300),
    ClientField("nip", _("NIP"), 10, searchable=True, input_max_length=20),
    ClientField("street", _("Street"), 200),
    ClientField("postal_code", _("Postal code"), 12, width="col-md-2"),
    ClientField("city", _("City"), 100, searchable=True, width="col-md-3"),
    ClientField("country", _("Country"), 2, required=True, personal=False, default="PL", width="col-md-1"),
)

BY_NAME: dict[str, ClientField] = {f.name: f for f in CLIENT_FIELDS}
EDITABLE: tuple[str, ...] = tuple(f.name for f in CLIENT_FIELDS)
SEARCHABLE: tuple[str, ...] = tuple(f.name for f in CLIENT_FIELDS if f.searchable)
EXPORTABLE: tuple[str, ...] = tuple(f.name for f in CLIENT_FIELDS if f.exportable)
# The derived columns hold copies of personal fields, so they are personal data too.
PERSONAL: tuple[str, ...] = (*(f.name for f in CLIENT_FIELDS if f.personal), "search_text", "sort_name")


def label_of(name: str) -> str | None:
    field = BY_NAME.get(name)
    return str(field.label) if field else None
