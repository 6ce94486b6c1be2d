"""Demo cases: a few dozen, open and closed, for the demo clients (`manage.py seed_demo`).

Inserted set-based (one bulk INSERT of the cases, one of their History entries: "Case opened",
and "Case closed" for the closed ones, as cases.services writes them). A former client in the
archive has only closed cases (its work is finished; an open case would also refuse its
permanent delete).

Owners: the active staff users that exist when the demo is seeded. `make run` creates the
administrator first, so a fresh install's demo cases belong to it; a demo seeded with no user at
all has cases without an owner ("—"), like a case whose owner left (docs/decisions.md).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.utils import timezone

from kartoteka.accounts.models import User
from kartoteka.audit.models import AuditEvent
from kartoteka.audit.services import field_changes
from kartoteka.cases.models import Case
from kartoteka.cases.services import derived_columns, recorded_values
from kartoteka.clients.models import Client
from kartoteka.core.demo import register_demo

CASES = 40
OPEN_SHARE = 0.55
TITLES = (
    "Rejestracja spółki w KRS", "Zmiana adresu siedziby w CEIDG", "Umowa na wirtualne biuro – przedłużenie",
    "Reklamacja faktury za marzec", "Zaległa płatność – wezwanie", "Zgłoszenie do VAT", "Aneks do umowy najmu",
    "Odbiór przesyłki z urzędu skarbowego", "Skanowanie korespondencji – zmiana adresu e-mail",
    "Wynajem sali konferencyjnej", "Zmiana danych kontaktowych", "Pełnomocnictwo do odbioru poczty",
    "Rozwiązanie umowy", "Wniosek o zaświadczenie o niezaleganiu", "Sprawozdanie finansowe za rok ubiegły",
    "Przeniesienie korespondencji do nowego biura", "Zwrot kaucji", "Oferta na obsługę księgową",
)  # fmt: skip
DESCRIPTIONS = (
    "", "", "Klient prosi o kontakt telefoniczny.", "Dokumenty w teczce klienta, półka 3.",
    "Czekamy na podpisany dokument od klienta.", "Termin: do końca miesiąca.",
    "Ustalenia z rozmowy:\n– wysłać ofertę e-mailem,\n– przypomnieć za tydzień.",
)  # fmt: skip


def _moment_between(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    return start + (end - start) * rng.random()


@register_demo("cases", order=200)
def seed_cases(*, rng: random.Random, client_ids: Sequence[int]) -> str:
    now = timezone.now()
    rows = Client._base_manager.filter(pk__in=client_ids).order_by("pk").values_list("pk", "archived_at", "created_at")
    clients = {pk: (archived_at, created_at) for pk, archived_at, created_at in rows}
    owners = list(User.objects.filter(is_active=True).order_by("pk"))
    ids = sorted(clients)
    chosen = [rng.choice(ids) for _ in range(CASES)] if ids else []
    cases = []
    for client_id in chosen:
        title = rng.choice(TITLES)
        description = rng.choice(DESCRIPTIONS)
        archived_at, created_at = clients[client_id]
        opened = _moment_between(rng, created_at, now)
        closed = archived_at is not None or rng.random() >= OPEN_SHARE
        cases.append(
            Case(
                client_id=client_id,
                title=title,
                description=description,
                status=Case.Status.CLOSED if closed else Case.Status.OPEN,
                owner=rng.choice(owners) if owners else None,
                opened_at=opened,
                closed_at=_moment_between(rng, opened, now) if closed else None,
                **derived_columns(title, description),
            )
        )
    Case.objects.bulk_create(cases)
    events = [
        AuditEvent(
            event_type="cases.case.created",
            client_id=case.client_id,
            changes=field_changes({}, recorded_values(case)),
            details={"case_id": case.pk, "title": case.title, "source": "demo"},
        )
        for case in cases
    ]
    events += [
        AuditEvent(
            event_type="cases.case.closed",
            client_id=case.client_id,
            changes={"status": [Case.Status.OPEN, Case.Status.CLOSED]},
            details={"case_id": case.pk, "title": case.title, "source": "demo"},
        )
        for case in cases
        if not case.is_open
    ]
    AuditEvent.objects.bulk_create(events)
    still_open = sum(case.is_open for case in cases)
    return f"Cases: {len(cases)} ({still_open} open, {len(owners)} possible owners)."
