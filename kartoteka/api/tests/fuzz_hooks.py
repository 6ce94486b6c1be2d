"""Schemathesis hooks of the contract run (test_fuzz.py loads them through SCHEMATHESIS_HOOKS).

`format: phone` is the API's own string format (a phone number valid in its country's numbering
plan, in any common notation); JSON Schema has no such format, so the contract run is told how to
draw one — the way Schemathesis documents custom formats. Nothing here tolerates an answer.
"""

from __future__ import annotations

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
