"""Schemathesis hooks of the contract run (test_fuzz.py loads them through SCHEMATHESIS_HOOKS).

Two things no JSON Schema can state, told to the run as test data; nothing here tolerates an answer:
- `format: phone` is the API's own string format (a phone number valid in its country's numbering
  plan, in any common notation): the run draws such numbers, the way Schemathesis documents
  custom formats;
- a case's `client` and `owner` must name rows that exist (else a 422 on that field, as the
  document says): a schema-valid case body names the client and staff member test_fuzz.py seeded;
- a message template (`format: message-template`) is a language of its own: the run draws valid
  templates for it, as it draws phone numbers; a preview's `client_id` names the seeded client;
- a list's `cursor` is opaque: only a `next_cursor` the server gave is one (else a 422 on it). A
  schema-valid request to the case and contact-person lists is sent without a drawn cursor (the
  list tests walk real cursors); schema-violating ones keep theirs.
"""

from __future__ import annotations

import os
from typing import Any

import phonenumbers
import schemathesis
from hypothesis import strategies as st

REGIONS = ("PL", "DE", "GB", "US", "FR", "UA", "CZ", "IT")
KINDS = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)
NOTATIONS = (
    phonenumbers.PhoneNumberFormat.E164,
    phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    phonenumbers.PhoneNumberFormat.RFC3966,
)


def _examples() -> list[str]:
    numbers = [phonenumbers.example_number_for_type(region, kind) for region in REGIONS for kind in KINDS]
    texts = [phonenumbers.format_number(n, notation) for n in numbers if n for notation in NOTATIONS]
    # Polish numbers also as people type them at home: "600 123 456", "600-123-456".
    national = [phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.NATIONAL) for n in numbers[:2] if n]
    return sorted({*texts, *national, *(t.replace(" ", "-") for t in national)})


schemathesis.openapi.format("phone", st.sampled_from(_examples()))

# `format: message-template` (messaging.templating): a subject or body template in the sandbox's
# language — text, {{ client.<variable> }}, {% if %} — which no pattern can state; drawn from these.
TEMPLATES = (
    "Dzień dobry",
    "Dzień dobry {{ client.first_name }}",
    "Witaj {{ client.name|title }}!",
    "{% if client.company %}Firma {{ client.company }}{% else %}{{ client.full_name }}{% endif %}",
    "Zażółć gęślą jaźń, {{ client.city|default('Łódź') }}",
)
schemathesis.openapi.format("message-template", st.sampled_from(TEMPLATES))


# body field of /api/cases... -> the environment variable holding the id of the seeded row
SEEDED = {"client": "KARTOTEKA_FUZZ_CLIENT", "owner": "KARTOTEKA_FUZZ_OWNER"}


LISTS = ("/api/cases", "/api/clients/{client_id}/contacts", "/api/clients/{client_id}/messages")


@schemathesis.hook
def before_call(ctx: Any, case: Any, **kwargs: Any) -> None:
    """In every phase, a schema-valid request refers to rows that exist and to no made-up cursor;
    a negative (schema-violating) request, and `owner: null`, stay as drawn."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    path = case.operation.path
    if path in LISTS and case.method == "GET" and isinstance(case.query, dict):
        case.query.pop("cursor", None)
    if path == "/api/messages/preview" and isinstance(case.body, dict) and "client_id" in case.body:
        case.body["client_id"] = int(os.environ["KARTOTEKA_FUZZ_CLIENT"])  # a client that exists
    if not path.startswith("/api/cases") or not isinstance(case.body, dict):
        return
    for name, variable in SEEDED.items():
        value = case.body.get(name)
        # An id as JSON Schema counts integers: 709 or 709.0.
        if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
            case.body[name] = int(os.environ[variable])
