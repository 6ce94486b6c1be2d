"""Demo contact persons: one to three for most demo clients (`manage.py seed_demo`).

Built already normalised, as contacts.validation would store them (the seed test checks), and
inserted set-based: one bulk INSERT of the persons, one of their History entries (what
contacts.services writes for an added person, so each client's History names them), and the
clients' search_text rebuilt set-based so the list's search finds a client by its contact persons.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from kartoteka.audit.models import AuditEvent
from kartoteka.audit.services import field_changes
from kartoteka.clients.demo import MAIL_DOMAINS, personal_email, random_mobile, random_person, slug
from kartoteka.clients.models import Client
from kartoteka.clients.search import search_text_refresh_many
from kartoteka.contacts import fields
from kartoteka.contacts.models import ContactPerson
from kartoteka.core.demo import register_demo

WITH_CONTACTS = 0.8  # share of the demo clients that get contact persons
COMPANY_POSITIONS = (
    "Prezes zarządu", "Członek zarządu", "Dyrektor finansowy", "Główna księgowa", "Księgowa", "Sekretarka",
    "Asystentka zarządu", "Kierownik biura", "Specjalista ds. kadr", "Specjalista ds. zakupów", "Pełnomocnik",
    "Właściciel", "Kierowca",
)  # fmt: skip
PRIVATE_POSITIONS = ("", "", "Małżonek", "Pełnomocnik", "Członek rodziny", "Asystent")
NOTES = (
    "", "", "", "", "Dostępna w godzinach 8:00–16:00.", "Odbiera pocztę zwykle w piątki.",
    "Prosi o kontakt e-mailowy, nie SMS.", "Upoważnienie do odbioru poczty złożone w biurze.",
    "Pełnomocnictwo ogólne do 31.12.", "Mówi po angielsku i niemiecku.", "Przed odbiorem poczty zadzwonić.",
)  # fmt: skip
DOCUMENT_SERIES = "ABCDEFGHJKLMNPRSTUWXYZ"


def _document_number(rng: random.Random) -> str:
    """Shaped like a Polish ID card number: three letters and six digits (ABC123456)."""
    return "".join(rng.choice(DOCUMENT_SERIES) for _ in range(3)) + f"{rng.randrange(1_000_000):06d}"


def _company_domain(client_email: str) -> str:
    """The client's own domain when its address is a company one (biuro@firma.pl → firma.pl)."""
    domain = client_email.rpartition("@")[2]
    return "" if domain in MAIL_DOMAINS else domain


def contact_values(rng: random.Random, *, company: bool, client_email: str) -> dict[str, Any]:
    """One contact person's stored values: mixed flags, many may collect mail, some with an ID number."""
    first, last = random_person(rng)
    domain = _company_domain(client_email) if company else ""
    if domain and rng.random() < 0.8:
        email = f"{slug(first)}.{slug(last)}@{domain}"
    else:
        email = personal_email(rng, first, last) if rng.random() < 0.75 else ""
    may_collect = rng.random() < 0.65
    return {
        "first_name": first,
        "last_name": last,
        "email": email,
        "phone": random_mobile(rng) if rng.random() < 0.85 else "",
        "position": rng.choice(COMPANY_POSITIONS if company else PRIVATE_POSITIONS),
        "is_contact_person": rng.random() < 0.85,
        "may_collect_mail": may_collect,
        "may_represent": rng.random() < (0.4 if company else 0.15),
        # The desk checks the number of those who may collect, when one is on file.
        "id_document_number": _document_number(rng) if may_collect and rng.random() < 0.4 else "",
        "additional_info": rng.choice(NOTES),
    }


@register_demo("contacts", order=100)
def seed_contacts(*, rng: random.Random, client_ids: Sequence[int]) -> str:
    clients = Client._base_manager.filter(pk__in=client_ids).order_by("pk").values_list("pk", "company_name", "email")
    people = [
        ContactPerson(client_id=pk, **contact_values(rng, company=bool(company), client_email=email))
        for pk, company, email in clients
        if rng.random() < WITH_CONTACTS
        for _ in range(rng.choice((1, 1, 2, 2, 3)))
    ]
    ContactPerson.objects.bulk_create(people, batch_size=1000)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                event_type="contacts.contact.created",
                client_id=person.client_id,
                changes=field_changes({}, {name: getattr(person, name) for name in fields.EDITABLE}),
                details={"contact_id": person.pk, "contact_name": person.full_name, "source": "demo"},
            )
            for person in people
        ],
        batch_size=1000,
    )
    search_text_refresh_many({person.client_id for person in people})
    collectors = sum(person.may_collect_mail for person in people)
    return f"Contact persons: {len(people)} ({collectors} may collect mail)."
