"""vCard 3.0 (RFC 2426) and 4.0 (RFC 6350), written by hand: one function makes one card.

`vcard(card, version=...)` is the one place a client becomes a card: the export writes one per
client into a .vcf, and the business card sent by e-mail (R10.1) attaches the same text for one
client (`card_from_client`).

The rules the text follows (and the tests check with vobject's parser):
- text values escape backslash, comma, semicolon and newlines (`\\\\`, `\\,`, `\\;`, `\\n`); the
  components of N and ADR are joined by unescaped semicolons;
- lines end with CRLF and are folded at 75 octets: a continuation line starts with one space,
  and a line is never cut inside a UTF-8 character;
- a client with a company name carries ORG; one known only by its company (no last name) is
  named after the company, and in 4.0 is `KIND:org`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kartoteka.clients.models import Client

VERSIONS = ("3.0", "4.0")
LINE_OCTETS = 75
CRLF = "\r\n"

# The client's values a card needs (model field names; `fields_of` reads them from a values() row).
FIELDS = (
    "id",
    "first_name",
    "last_name",
    "company_name",
    "email",
    "phone",
    "website",
    "street",
    "postal_code",
    "city",
    "country",
    "updated_at",
)


@dataclass(frozen=True)
class Card:
    first_name: str = ""
    last_name: str = ""
    company_name: str = ""
    email: str = ""
    phone: str = ""  # E.164
    website: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""  # ISO 3166 code
    updated_at: dt.datetime | None = None

    @property
    def is_company(self) -> bool:
        return bool(self.company_name) and not self.last_name

    @property
    def formatted_name(self) -> str:
        if self.is_company:
            return self.company_name
        return f"{self.first_name} {self.last_name}".strip() or self.company_name


def card_from_values(values: Mapping[str, Any]) -> Card:
    text = {name: values.get(name) or "" for name in FIELDS[1:-1]}
    return Card(**text, updated_at=values.get("updated_at"))


def card_from_client(client: Client) -> Card:
    return card_from_values({name: getattr(client, name) for name in FIELDS})


def escape(value: str) -> str:
    """A text value: backslash, comma, semicolon and line breaks escaped (RFC 6350 3.4, RFC 2426 4)."""
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded at 75 octets (continuation lines begin with a space), with CRLF.

    Cuts fall between characters, never inside a UTF-8 sequence, so each physical line is valid
    UTF-8 on its own (RFC 6350 3.2 asks for exactly this).
    """
    data = line.encode()
    if len(data) <= LINE_OCTETS:
        return line + CRLF
    parts: list[str] = []
    current: list[str] = []
    size = 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1  # the leading space takes one octet
        current.append(char)
        size += width
    parts.append("".join(current))
    return (CRLF + " ").join(parts) + CRLF


def _structured(*components: str) -> str:
    return ";".join(escape(c) for c in components)


def _rev(value: dt.datetime | None, version: str) -> str | None:
    if value is None:
        return None
    utc = value.astimezone(dt.UTC) if value.tzinfo else value
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ" if version == "3.0" else "%Y%m%dT%H%M%SZ")


def vcard_lines(card: Card, *, version: str = "3.0") -> Iterable[str]:
    """The card's content lines, unfolded, without line ends."""
    if version not in VERSIONS:
        raise ValueError(f"Unknown vCard version {version!r}.")
    v4 = version == "4.0"
    yield "BEGIN:VCARD"
    yield f"VERSION:{version}"
    if v4 and card.is_company:
        yield "KIND:org"
    yield "FN:" + escape(card.formatted_name)
    yield "N:" + _structured(card.last_name, card.first_name, "", "", "")
    if card.company_name:
        yield "ORG:" + escape(card.company_name)
    if card.email:
        yield ("EMAIL;TYPE=work:" if v4 else "EMAIL;TYPE=INTERNET:") + escape(card.email)
    if card.phone:
        yield ("TEL;VALUE=uri;TYPE=voice:tel:" if v4 else "TEL;TYPE=VOICE:") + escape(card.phone)
    if card.street or card.city or card.postal_code:
        adr = _structured("", "", card.street, card.city, "", card.postal_code, card.country)
        yield ("ADR;TYPE=work:" if v4 else "ADR;TYPE=WORK:") + adr
    if card.website:
        yield "URL:" + card.website.replace("\r", "").replace("\n", "")  # a URI, not text: no escaping
    rev = _rev(card.updated_at, version)
    if rev:
        yield "REV:" + rev
    yield "END:VCARD"


def vcard(card: Card, *, version: str = "3.0") -> str:
    """One card as text: folded lines, CRLF line ends."""
    return "".join(fold(line) for line in vcard_lines(card, version=version))
