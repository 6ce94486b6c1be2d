"""Polish-looking demo and benchmark clients, generated in Python and loaded set-based.

Used by `manage.py seed_demo` only. Rows bypass the services on purpose (a million clients in
minutes); they are built already normalised, as clients.validation would store them, and
`search_text` is made by the same function the services use.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from stdnum.pl import nip as stdnum_nip

from kartoteka.clients import counts, fields
from kartoteka.clients.models import Client, ClientGroup, Label, Note
from kartoteka.clients.search import rebuild_index, search_text_for, sort_name_for
from kartoteka.core.text import fold

MALE_FIRST = (
    "Jan", "Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Michał", "Marcin", "Grzegorz", "Józef",
    "Łukasz", "Adam", "Zbigniew", "Jerzy", "Tadeusz", "Mateusz", "Dariusz", "Mariusz", "Wojciech", "Ryszard",
    "Jakub", "Henryk", "Robert", "Kazimierz", "Jacek", "Maciej", "Kamil", "Stanisław", "Rafał", "Bartłomiej",
    "Szymon", "Sławomir", "Przemysław", "Zdzisław", "Mirosław", "Filip", "Antoni", "Igor", "Wiesław", "Bogdan",
)  # fmt: skip
FEMALE_FIRST = (
    "Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa", "Krystyna", "Elżbieta",
    "Magdalena", "Joanna", "Zofia", "Monika", "Teresa", "Danuta", "Natalia", "Aleksandra", "Karolina", "Marta",
    "Beata", "Dorota", "Jadwiga", "Halina", "Alicja", "Grażyna", "Bożena", "Iwona", "Urszula", "Justyna",
    "Żaneta", "Jolanta", "Wiesława", "Łucja", "Ilona", "Hanna", "Julia", "Weronika", "Renata", "Kinga", "Ewelina",
)  # fmt: skip
# Most common first; the feminine form of -ski/-cki/-dzki is derived.
LAST_NAMES = (
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
    "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Wojciechowski", "Kwiatkowski",
    "Krawczyk", "Kaczmarek", "Piotrowski", "Grabowski", "Zając", "Pawłowski", "Michalski", "Król", "Wieczorek",
    "Jabłoński", "Wróbel", "Nowakowski", "Majewski", "Olszewski", "Stępień", "Malinowski", "Jaworski",
    "Adamczyk", "Dudek", "Nowicki", "Pawlak", "Górski", "Witkowski", "Walczak", "Sikora", "Baran", "Rutkowski",
    "Michalak", "Szewczyk", "Ostrowski", "Tomaszewski", "Pietrzak", "Zalewski", "Wróblewski", "Jasiński",
    "Marciniak", "Bąk", "Zawadzki", "Sadowski", "Jakubowski", "Duda", "Włodarczyk", "Chmielewski", "Borkowski",
    "Sokołowski", "Szczepański", "Sawicki", "Lis", "Kucharski", "Kalinowski", "Wysocki", "Mazurek", "Kubiak",
    "Maciejewski", "Czarnecki", "Kołodziej", "Urbański", "Kaźmierczak", "Żak", "Łuczak", "Ślusarczyk",
    "Kowalewski", "Gołębiowski", "Świątek", "Żurawski", "Błaszczyk", "Cieślak", "Zięba", "Gąsior",
)  # fmt: skip
# city, postal code prefixes (first two digits), rough weight by population
CITIES = (
    ("Warszawa", (0, 1, 2, 3, 4), 18), ("Kraków", (30, 31), 8), ("Łódź", (90, 91, 92, 93, 94), 7),
    ("Wrocław", (50, 51, 52, 53, 54), 7), ("Poznań", (60, 61), 5), ("Gdańsk", (80,), 5), ("Szczecin", (70, 71), 4),
    ("Bydgoszcz", (85,), 3), ("Lublin", (20,), 3), ("Białystok", (15,), 3), ("Katowice", (40,), 3),
    ("Gdynia", (81,), 2), ("Częstochowa", (42,), 2), ("Radom", (26,), 2), ("Toruń", (87,), 2),
    ("Rzeszów", (35,), 2), ("Kielce", (25,), 2), ("Olsztyn", (10,), 2), ("Opole", (45,), 1),
    ("Zielona Góra", (65,), 1), ("Bielsko-Biała", (43,), 1), ("Gorzów Wielkopolski", (66,), 1),
    ("Płock", (9,), 1), ("Elbląg", (82,), 1), ("Tarnów", (33,), 1), ("Koszalin", (75,), 1), ("Kalisz", (62,), 1),
    ("Legnica", (59,), 1), ("Słupsk", (76,), 1), ("Nowy Sącz", (33,), 1), ("Jelenia Góra", (58,), 1),
    ("Siedlce", (8,), 1), ("Piotrków Trybunalski", (97,), 1), ("Suwałki", (16,), 1), ("Zamość", (22,), 1),
    ("Łomża", (18,), 1), ("Świnoujście", (72,), 1), ("Żyrardów", (96,), 1), ("Ełk", (19,), 1),
)  # fmt: skip
STREETS = (
    "Polna", "Leśna", "Słoneczna", "Krótka", "Szkolna", "Ogrodowa", "Lipowa", "Łąkowa", "Brzozowa", "Kwiatowa",
    "Kościelna", "Sosnowa", "Zielona", "Parkowa", "Akacjowa", "Kolejowa", "Mickiewicza", "Kościuszki",
    "Słowackiego", "Sienkiewicza", "Piłsudskiego", "Jana Pawła II", "3 Maja", "Żeromskiego", "Wojska Polskiego",
    "Długa", "Krakowska", "Warszawska", "Źródlana", "Rynek", "Marszałkowska", "Piotrkowska", "Grunwaldzka",
)  # fmt: skip
COMPANY_WORDS = (
    "Budpol", "Elmot", "Drewpol", "Metalplast", "Transpol", "Agromax", "Softpol", "Infotech", "Ekobud",
    "Mleczpol", "Stalbud", "Termex", "Hydromet", "Autoserwis", "Polgaz", "Dombud", "Rolmex", "Farmapol",
    "Gastronomia", "Poligrafia", "Zielony Ogród", "Pod Lipami", "Słoneczny Dom", "Bursztyn", "Wisła",
)  # fmt: skip
COMPANY_FORMS = (" sp. z o.o.", " S.A.", " sp.j.", " sp.k.", "", "")
PERSONAL_COMPANY = ("PHU", "Usługi Remontowe", "Biuro Rachunkowe", "Kancelaria Prawna", "Transport", "Sklep")
MAIL_DOMAINS = ("gmail.com", "wp.pl", "onet.pl", "o2.pl", "interia.pl", "op.pl", "poczta.fm", "outlook.com")
COMPANY_MAILBOXES = ("biuro", "kontakt", "info", "sekretariat", "faktury")
# Polish mobile number ranges (the first two digits of the nine)
MOBILE_PREFIXES = ("50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88")

GROUPS = (
    ("Stali klienci", "#0d6efd"), ("Nowi klienci", "#198754"), ("VIP", "#ffc107"), ("Wirtualne biuro", "#6f42c1"),
    ("Hurtownicy", "#fd7e14"), ("Partnerzy", "#20c997"), ("Oddział Kraków", "#0dcaf0"),
    ("Oddział Łódź", "#d63384"), ("Oddział Gdańsk", "#6610f2"), ("Spółki", "#adb5bd"),
    ("Jednoosobowe działalności", "#495057"), ("Księgowość", "#198754"), ("Sklep internetowy", "#dc3545"),
    ("Newsletter", "#0d6efd"), ("Targi 2024", "#fd7e14"), ("Zaległe płatności", "#dc3545"),
    ("Do kontaktu", "#ffc107"), ("Współpraca zakończona", "#6c757d"), ("Branża budowlana", "#795548"),
    ("Branża IT", "#3f51b5"),
)  # fmt: skip
LABELS = (
    ("Pilne", "#dc3545"), ("Do oddzwonienia", "#fd7e14"), ("Faktura VAT", "#0d6efd"),
    ("Zgoda marketingowa", "#198754"), ("Ważny", "#6f42c1"), ("Nie dzwonić", "#212529"), ("Polecony", "#20c997"),
    ("Rabat 10%", "#ffc107"), ("Umowa roczna", "#0dcaf0"), ("Sprawdzić dane", "#adb5bd"),
    ("Nowa oferta", "#6610f2"), ("Reklamacja", "#d63384"), ("Windykacja", "#b02a37"),
    ("Prezent świąteczny", "#198754"), ("Ankieta", "#6c757d"), ("Spotkanie", "#0d6efd"), ("Webinar", "#3f51b5"),
    ("Umowa wygasa", "#fd7e14"), ("Żółta kartka", "#ffc107"), ("Priorytet", "#dc3545"),
)  # fmt: skip
NOTES = (
    "Zadzwonić w sprawie przedłużenia umowy.", "Klient prosi o fakturę na firmę.",
    "Spotkanie w biurze w przyszły wtorek o 10:00.", "Wysłano ofertę e-mailem, czekamy na odpowiedź.",
    "Preferuje kontakt telefoniczny po 16:00.", "Zmiana adresu korespondencyjnego – zaktualizować dane.",
    "Zaległa płatność za marzec, przypomnieć uprzejmie.", "Poleca nas znajomym – przyznano rabat 10%.",
    "Odbiera korespondencję osobiście, zwykle w piątki.", "Prosi o skany listów na adres e-mail.",
    "Zainteresowany salą konferencyjną na szkolenie.", "Reklamacja rozpatrzona pozytywnie.",
)  # fmt: skip
SOURCES = (("manual", 50), ("form", 20), ("import", 20), ("api", 10))
ACTIVE_SHARE = 0.85
SPAN = dt.timedelta(days=730)

CLIENT_COLUMNS = (
    "id", *fields.EDITABLE, "status", "source", "search_text", "sort_name", "created_at", "updated_at",
)  # fmt: skip


def _weighted(items: Sequence[Any], weights: Sequence[float]) -> list[Any]:
    """A list to draw from with rng.choice (much faster than rng.choices per row)."""
    return [item for item, w in zip(items, weights, strict=True) for _ in range(max(1, round(w)))]


def _feminine(last_name: str) -> str:
    for male, female in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
        if last_name.endswith(male):
            return last_name[: -len(male)] + female
    return last_name


@functools.lru_cache(maxsize=4096)
def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


_LAST_POOL = _weighted(LAST_NAMES, [60 / (rank + 1) ** 0.6 for rank in range(len(LAST_NAMES))])
_CITY_POOL = _weighted(CITIES, [c[2] for c in CITIES])
_SOURCE_POOL = _weighted([s for s, _ in SOURCES], [w for _, w in SOURCES])
# Groups and labels: a few popular, most small (rank-weighted).
_SET_WEIGHTS = [100 / (rank + 1) for rank in range(len(GROUPS))]


def random_nip(rng: random.Random) -> str:
    """Ten digits whose check digit (the weighted sum, modulo 11) is correct."""
    while True:
        stem = f"{rng.randrange(101, 999)}{rng.randrange(1_000_000):06d}"
        check = stdnum_nip.checksum(stem + "0")  # the weighted sum of the nine digits, mod 11
        if check < 10:  # 10 cannot be a check digit: draw again
            return stem + str(check)


def random_mobile(rng: random.Random) -> str:
    return f"+48{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10_000_000):07d}"


@dataclass
class Batch:
    clients: list[tuple[Any, ...]] = field(default_factory=list)
    groups: list[tuple[int, int]] = field(default_factory=list)
    labels: list[tuple[int, int]] = field(default_factory=list)


def random_person(rng: random.Random) -> tuple[str, str]:
    """A Polish first and last name (women's -ski names as -ska), common surnames more often."""
    female = rng.random() < 0.5
    first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
    last = rng.choice(_LAST_POOL)
    return first, _feminine(last) if female else last


def personal_email(rng: random.Random, first: str, last: str) -> str:
    """jan.kowalski123@wp.pl, as people make their private addresses."""
    number = rng.randrange(1, 1000) if rng.random() < 0.7 else ""
    return f"{slug(first)}.{slug(last)}{number}@{rng.choice(MAIL_DOMAINS)}"


def client_values(rng: random.Random) -> dict[str, str]:
    """One client's field values, already in the normalised form the services store."""
    first, last = random_person(rng)
    city, prefixes, _ = rng.choice(_CITY_POOL)
    values = {
        "first_name": first,
        "last_name": last,
        "company_name": "",
        "email": "",
        "phone": random_mobile(rng) if rng.random() < 0.85 else "",
        "website": "",
        "nip": "",
        "street": f"ul. {rng.choice(STREETS)} {rng.randrange(1, 120)}"
        + (f"/{rng.randrange(1, 40)}" if rng.random() < 0.4 else ""),
        "city": city,
        "postal_code": f"{rng.choice(prefixes):02d}-{rng.randrange(1000):03d}",
        "country": "PL",
    }
    if rng.random() < 0.25:  # a company
        if rng.random() < 0.5:
            company = f"{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_FORMS)}"
        else:
            company = f"{rng.choice(PERSONAL_COMPANY)} {last}"
        domain = slug(company.split(" sp")[0].replace(" S.A.", ""))
        domain = f"{domain}-{slug(city)}" if rng.random() < 0.5 else f"{domain}{rng.randrange(1, 100)}"
        values["company_name"] = company
        values["nip"] = random_nip(rng)
        values["email"] = f"{rng.choice(COMPANY_MAILBOXES)}@{domain}.pl"
        if rng.random() < 0.6:
            values["website"] = f"https://www.{domain}.pl"
        if rng.random() < 0.5:  # only the contact person's first name is known
            values["last_name"] = ""
    else:
        values["email"] = personal_email(rng, first, last)
    return values


def _memberships(rng: random.Random, pool: Sequence[int]) -> set[int]:
    """0, 1 or 2 distinct sets for one client, popular sets more often."""
    if not pool:
        return set()
    return {rng.choice(pool) for _ in range(rng.choice((0, 0, 1, 1, 1, 2)))}


def generate(
    rng: random.Random, *, first_id: int, count: int, group_ids: Sequence[int], label_ids: Sequence[int], batch: int
) -> Iterator[Batch]:
    """Rows for `count` clients with ids from `first_id`, created over the last two years in id order."""
    now = timezone.now()
    start = now - SPAN
    step = SPAN / max(count, 1)
    group_pool = _weighted(group_ids, _SET_WEIGHTS[: len(group_ids)])
    label_pool = _weighted(label_ids, _SET_WEIGHTS[: len(label_ids)])
    adapt = _datetime_adapter()
    current = Batch()
    for i in range(count):
        client_id = first_id + i
        values = client_values(rng)
        created = adapt(min(start + step * i + dt.timedelta(seconds=rng.randrange(3600)), now))
        status = "active" if rng.random() < ACTIVE_SHARE else "inactive"
        current.clients.append(
            (
                client_id,
                *(values[name] for name in fields.EDITABLE),
                status,
                rng.choice(_SOURCE_POOL),
                search_text_for(values),
                sort_name_for(values),
                created,
                created,
            )
        )
        current.groups.extend((client_id, g) for g in _memberships(rng, group_pool))
        current.labels.extend((client_id, lab) for lab in _memberships(rng, label_pool))
        if len(current.clients) >= batch:
            yield current
            current = Batch()
    if current.clients:
        yield current


def _datetime_adapter() -> Callable[[dt.datetime], Any]:
    """connection.ops.adapt_datetimefield_value, with a fast path for SQLite (text in UTC)."""
    if connection.vendor == "sqlite":
        return lambda value: str(value.astimezone(dt.UTC).replace(tzinfo=None))
    return connection.ops.adapt_datetimefield_value


def ensure_sets(count: int) -> tuple[list[int], list[int]]:
    """The first `count` demo groups and labels (created when missing), most popular first."""
    return _ensure(ClientGroup, GROUPS[:count]), _ensure(Label, LABELS[:count])


def _ensure(model: Any, specs: Sequence[tuple[str, str]]) -> list[int]:
    model.objects.bulk_create(
        [model(name=name, name_key=model.key_of(name), color=color) for name, color in specs], ignore_conflicts=True
    )
    by_name = dict(model.objects.filter(name__in=[name for name, _ in specs]).values_list("name", "id"))
    return [by_name[name] for name, _ in specs]


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608 -- model metadata only


# The insert trigger of migration 0002, dropped during a big load and restored exactly.
FTS_INSERT_TRIGGER = "clients_client_fts_ai"
FTS_INSERT_TRIGGER_SQL = """CREATE TRIGGER clients_client_fts_ai AFTER INSERT ON clients_client BEGIN
        INSERT INTO clients_client_fts(rowid, search_text) VALUES (new.id, new.search_text); END"""


def _rebuild_index_after(*, count: int, existing: int) -> bool:
    """Whether to fill the SQLite full-text index once after the load instead of per row."""
    return connection.vendor == "sqlite" and count >= max(existing, 1000)


def _count_insert_triggers(cursor: Any) -> list[tuple[str, str]]:
    """The SQLite count triggers that an INSERT fires, as the migrations created them (name, SQL)."""
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'clients_count_%' "
        "AND sql LIKE '%AFTER INSERT ON%' ORDER BY name"
    )
    return list(cursor.fetchall())


def load_clients(*, count: int, seed: int | None, sets: int, batch: int = 20_000) -> list[int]:
    """Insert `count` generated clients with their group and label memberships; return their ids.

    One transaction; executemany per batch. On SQLite a load at least as big as the table
    fills the full-text index and the maintained counts once at the end (much faster than the
    per-row triggers).
    """
    rng = random.Random(seed)  # noqa: S311 -- demo data, not secrets
    client_sql = _insert_sql(Client._meta.db_table, CLIENT_COLUMNS)
    group_through = Client.groups.through._meta
    label_through = Client.labels.through._meta
    group_sql = _insert_sql(group_through.db_table, ("client_id", "clientgroup_id"))
    label_sql = _insert_sql(label_through.db_table, ("client_id", "label_id"))
    with transaction.atomic():
        group_ids, label_ids = ensure_sets(sets)
        existing = Client.objects.count()
        first_id = (Client.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        rebuild = _rebuild_index_after(count=count, existing=existing)
        with connection.cursor() as cursor:
            if rebuild:
                cursor.execute(f"DROP TRIGGER {FTS_INSERT_TRIGGER}")
                count_triggers = _count_insert_triggers(cursor)  # counted once at the end, set-based
                for name, _sql in count_triggers:
                    cursor.execute(f"DROP TRIGGER {name}")
            for rows in generate(
                rng, first_id=first_id, count=count, group_ids=group_ids, label_ids=label_ids, batch=batch
            ):
                cursor.executemany(client_sql, rows.clients)
                cursor.executemany(group_sql, rows.groups)
                cursor.executemany(label_sql, rows.labels)
            if rebuild:
                cursor.execute(FTS_INSERT_TRIGGER_SQL)
                rebuild_index()
                for _name, sql in count_triggers:
                    cursor.execute(sql)
                counts.rebuild_counts()
            for sql in connection.ops.sequence_reset_sql(no_style(), [Client]):
                cursor.execute(sql)
    return list(range(first_id, first_id + count))


def add_notes(rng: random.Random, client_ids: Sequence[int], *, most: int = 4) -> int:
    """A few notes per client (none for some), newer than the client."""
    created = dict(Client.objects.filter(id__in=client_ids).values_list("id", "created_at"))
    now = timezone.now()
    adapt = _datetime_adapter()
    rows = []
    for client_id in client_ids:
        for _ in range(rng.randrange(most + 1)):
            when = adapt(created[client_id] + (now - created[client_id]) * rng.random())
            rows.append((client_id, rng.choice(NOTES), when, when))
    # Raw rows: bulk_create would overwrite created_at (auto_now_add) with now.
    with connection.cursor() as cursor:
        cursor.executemany(_insert_sql(Note._meta.db_table, ("client_id", "text", "created_at", "updated_at")), rows)
    return len(rows)
