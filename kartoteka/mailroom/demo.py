"""Demo mail (`manage.py seed_demo`): post for about half of the demo clients, archived ones
included, in every status.

Built already normalised, as mailroom.validation would store it, and inserted set-based: one bulk
INSERT of the items and one of their History entries. Collected items need a contact person who
may collect the client's mail: the contacts seeder (order 100-200) runs first; a client without
one gets no collected mail. Scanned items get a small real PDF scan (stored like an upload).
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from kartoteka.audit.models import AuditEvent
from kartoteka.clients.models import Client
from kartoteka.contacts.models import ContactPerson
from kartoteka.core.demo import register_demo
from kartoteka.core.text import fold
from kartoteka.mailroom.models import MailItem
from kartoteka.mailroom.scans import PDF, ScanUpload, scan_store

WITH_MAIL = 0.5  # share of the demo clients that got post
SENDERS = (
    "Zakład Ubezpieczeń Społecznych", "Urząd Skarbowy Warszawa-Śródmieście", "Drugi Urząd Skarbowy w Krakowie",
    "Sąd Rejonowy dla m.st. Warszawy", "Krajowy Rejestr Sądowy", "Główny Urząd Statystyczny",
    "PKO Bank Polski", "mBank S.A.", "ING Bank Śląski", "Santander Bank Polska", "PZU S.A.", "Warta S.A.",
    "Orange Polska", "Play", "PGE Obrót", "Tauron Sprzedaż", "Urząd Miasta Gdańsk", "Urząd Marszałkowski",
    "Kancelaria Notarialna Nowak i Wspólnicy", "Biuro Rachunkowe Bilans", "Allegro.pl", "InPost",
    "Państwowa Inspekcja Pracy", "Urząd Patentowy RP", "Poczta Polska — awizo",
)  # fmt: skip
NOTES = (
    "", "", "", "", "Za potwierdzeniem odbioru.", "Pilne — termin 7 dni.", "Uszkodzona koperta.",
    "Awizo, do odbioru na poczcie.", "Klient prosi o skan.", "Faktura.",
)  # fmt: skip
KINDS = ("letter",) * 6 + ("registered",) * 3 + ("parcel", "other")
DEMO_SCAN_PAGES = 1


def _demo_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _page in range(DEMO_SCAN_PAGES):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _status(rng: random.Random, *, received: dt.date, today: dt.date, can_collect: bool) -> str:
    """Older mail has mostly left the office; this week's mostly waits."""
    if (today - received).days < 3:
        return rng.choice(("received", "received", "scanned"))
    return rng.choice(("received", "scanned", "forwarded") + (("collected",) * 3 if can_collect else ()))


@register_demo("mail", order=300)
def seed_mail(*, rng: random.Random, client_ids: Sequence[int]) -> str:
    today = timezone.localdate()
    now = timezone.now()
    chosen = sorted(rng.sample(list(client_ids), int(len(client_ids) * WITH_MAIL)))
    collectors: dict[int, list[ContactPerson]] = {}
    for person in ContactPerson.objects.filter(client_id__in=chosen, may_collect_mail=True).order_by("id"):
        collectors.setdefault(person.client_id, []).append(person)
    addresses = {
        pk: f"{street}\n{postal} {city}".strip()
        for pk, street, postal, city in Client.objects.filter(id__in=chosen).values_list(
            "id", "street", "postal_code", "city"
        )
    }
    pdf = _demo_pdf()
    items = [
        _item(rng, client_id, today, now, collectors.get(client_id, []), addresses, pdf)
        for client_id in chosen
        for _n in range(rng.randint(1, 5))
    ]
    MailItem.objects.bulk_create(items, batch_size=1000)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                event_type="mailroom.mail.received",
                client_id=item.client_id,
                changes={"sender": [None, item.sender], "kind": [None, item.kind]},
                details={"mail_id": item.pk, "sender": item.sender, "kind": item.kind, "source": "demo"},
            )
            for item in items
        ],
        batch_size=1000,
    )
    counts = {status: sum(1 for i in items if i.status == status) for status in MailItem.Status.values}
    summary = ", ".join(f"{count} {status}" for status, count in counts.items())
    return f"Demo mail: {len(items)} items for {len(chosen)} clients ({summary})."


def _item(
    rng: random.Random,
    client_id: int,
    today: dt.date,
    now: dt.datetime,
    collectors: list[ContactPerson],
    addresses: dict[int, str],
    pdf: bytes,
) -> MailItem:
    received = today - dt.timedelta(days=rng.randrange(0, 90))
    sender, note = rng.choice(SENDERS), rng.choice(NOTES)
    status = _status(rng, received=received, today=today, can_collect=bool(collectors))
    values: dict[str, Any] = {
        "client_id": client_id, "received_on": received, "sender": sender, "kind": rng.choice(KINDS),
        "note": note, "status": status, "sort_sender": fold(sender)[:200], "search_text": fold(f"{sender} {note}"),
    }  # fmt: skip
    handled = min(now, timezone.make_aware(dt.datetime.combine(received, dt.time(9))) + dt.timedelta(
        days=rng.randrange(0, 5), hours=rng.randrange(0, 8)))  # fmt: skip
    if status == "collected":
        person = rng.choice(collectors)
        values.update(collected_by=person, collected_by_name=person.full_name, collected_at=handled)
    elif status == "forwarded":
        values.update(forwarded_to=addresses.get(client_id) or "ul. Marszałkowska 1\n00-001 Warszawa",
                      forwarded_on=handled.date())  # fmt: skip
    elif status == "scanned":
        stored = scan_store(ScanUpload(file=io.BytesIO(pdf), name="skan.pdf"))
        values.update(scan_file=stored, scan_name=f"skan-{received.isoformat()}.pdf", scan_type=PDF,
                      scan_size=len(pdf), scanned_at=handled)  # fmt: skip
    return MailItem(**values)
