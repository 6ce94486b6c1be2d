"""`python -m bench.attributes [--clients N]`: the client list filtered by custom attributes.

Builds (once, then reuses) var/bench/attributes.sqlite3: a copy of the list benchmark's database
with four attributes filled for most clients — a market segment (one of 5 values, 80 % of the
clients), the number of employees (a number, 70 %), the first contract's day (a date, 60 %) and
"newsletter" (yes/no, 70 %): about 2.8 million value rows on 1,000,000 clients. Then it times,
round robin in one run, the plain first page of the list and the same page filtered by one
attribute (equals; a number range; a date range), by two attributes and a group, their counts
and the API list, and reports each one's median beside the plain list's (target: within 1.5x).
Last, on a throw-away copy, bulk set_attribute over about 100,000 selected clients as the worker
runs it: time and peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

from bench import report
from bench.build import BENCH_DIR, ROOT, copy_database, database_path, database_url, ensure_database, remove_database

TARGET_RATIO = 1.5
SEGMENTS = ("Handel", "Usługi", "Produkcja", "IT", "Organizacja pozarządowa")
# Spread over the clients by their id (the same data on every build), in SQLite's SQL.
FILL_SQL = (
    # segment: 80 %, one of the 5 options
    "INSERT INTO attributes_attributevalue (client_id, attribute_id, option_id) "
    "SELECT c.id, {segment}, {option_case} FROM clients_client c WHERE (c.id * 7919) % 100 < 80",
    # employees: 70 %, 1 to 500
    "INSERT INTO attributes_attributevalue (client_id, attribute_id, value_number) "
    "SELECT c.id, {employees}, 1 + (c.id * 37) % 500 FROM clients_client c WHERE (c.id * 104729) % 100 < 70",
    # contract since: 60 %, a day of 2015-2024
    "INSERT INTO attributes_attributevalue (client_id, attribute_id, value_date) "
    "SELECT c.id, {since}, date('2015-01-01', '+' || ((c.id * 13) % 3650) || ' days') FROM clients_client c "
    "WHERE (c.id * 15485863) % 100 < 60",
    # newsletter: 70 %, yes for about half
    "INSERT INTO attributes_attributevalue (client_id, attribute_id, value_bool) "
    "SELECT c.id, {newsletter}, (c.id * 31) % 2 FROM clients_client c WHERE (c.id * 6151) % 100 < 70",
)


def _path(clients: int) -> Path:
    return BENCH_DIR / ("attributes.sqlite3" if clients == 1_000_000 else f"attributes-{clients}.sqlite3")


def _filled(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return int(db.execute("SELECT count(*) FROM attributes_attributevalue").fetchone()[0])
    except sqlite3.Error:
        return 0


def _setup(path: Path) -> None:
    os.environ["DATABASE_URL"] = database_url(path)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DEBUG"] = "false"
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"  # bulk: we run the job ourselves
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _define() -> dict[str, int]:
    from kartoteka.attributes.models import Attribute, AttributeOption
    from kartoteka.attributes.values import fold

    kinds = {"segment": "choice", "employees": "number", "since": "date", "newsletter": "bool"}
    ids = {}
    for position, (key, kind) in enumerate(kinds.items()):
        attribute, _created = Attribute.objects.get_or_create(
            key=key, defaults={"name": key.title(), "name_key": key, "type": kind, "position": position}
        )
        ids[key] = attribute.pk
    for position, label in enumerate(SEGMENTS):
        AttributeOption.objects.get_or_create(
            attribute_id=ids["segment"], label_key=fold(label), defaults={"label": label, "position": position}
        )
    return ids


def _build(clients: int) -> dict[str, Any]:
    """The attribute database: copied from the list benchmark's and filled set-based (once)."""
    path = _path(clients)
    if _filled(path):
        return {"path": str(path.relative_to(ROOT)), "rows": _filled(path), "built": "reused"}
    print(f"Building {path} (once; later runs reuse it) ...", flush=True)
    copy = copy_database(database_path(clients), path.stem)
    started = time.perf_counter()
    _setup(copy)
    from django.db import connection, transaction

    from kartoteka.attributes.models import AttributeOption

    with transaction.atomic():
        ids = _define()
        options = AttributeOption.objects.filter(attribute_id=ids["segment"]).order_by("position")
        whens = " ".join(f"WHEN {n} THEN {pk}" for n, pk in enumerate(options.values_list("id", flat=True)))
        option_case = f"CASE (c.id * 7) % {len(SEGMENTS)} {whens} END"
        with connection.cursor() as cursor:
            for sql in FILL_SQL:
                cursor.execute(sql.format(**ids, option_case=option_case))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds = round(time.perf_counter() - started, 1)
    print(f"  {_filled(copy):,} value rows in {seconds} s", flush=True)
    return {"path": str(copy.relative_to(ROOT)), "rows": _filled(copy), "built_s": seconds}


def _scenarios() -> list[tuple[str, str, str]]:
    from kartoteka.attributes.models import AttributeOption
    from kartoteka.clients.models import ClientGroup

    segment = AttributeOption.objects.get(attribute__key="segment", label="IT").pk
    group = ClientGroup.objects.order_by("id").values_list("id", flat=True).first()
    one = f"attr.segment={segment}"
    number = "attr.employees__gte=100&attr.employees__lte=150"
    day = "attr.since__gte=2020-01-01&attr.since__lte=2020-03-31"
    two = f"attr.segment={segment}&attr.newsletter=true&group={group}"
    return [
        ("list_plain", "the list as it opens (active clients, newest first): the baseline", "/clients/"),
        ("list_attr_equals", "segment = IT (16 % of the clients)", f"/clients/?{one}"),
        ("list_attr_number_range", "employees 100-150 (7 % of the clients)", f"/clients/?{number}"),
        ("list_attr_date_range", "contract since 2020-01-01..2020-03-31 (1.5 %)", f"/clients/?{day}"),
        ("list_two_attrs_and_group", "segment = IT, newsletter = yes and a group", f"/clients/?{two}"),
        ("count_plain", "the count of all active clients", "/clients/count/"),
        ("count_attr_equals", "the count for segment = IT", f"/clients/count/?{one}"),
        ("count_attr_number_range", "the count for employees 100-150", f"/clients/count/?{number}"),
        ("count_two_attrs_and_group", "the count for two attributes and a group", f"/clients/count/?{two}"),
        (
            "api_attr_equals",
            "GET /api/clients?attr.segment=... (50 clients with their attributes)",
            f"/api/clients?{one}",
        ),
    ]


def _time(http: Any, url: str, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    response = http.get(url, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"HTTP {response.status_code} for {url}: {response.content[:300]!r}")
    return elapsed


def _lists(repeat: int) -> list[dict[str, Any]]:
    from bench.scenarios import logged_in_client
    from kartoteka.accounts.models import User
    from kartoteka.accounts.services import api_token_create

    http = logged_in_client()
    token = api_token_create(user=User.objects.get(username="bench-admin"))
    todo = _scenarios()
    headers = {
        name: ({"Authorization": f"Bearer {token}"} if url.startswith("/api/") else {}) for name, _w, url in todo
    }
    for name, _what, url in todo:  # warm-up
        for _n in range(3):
            _time(http, url, headers[name])
    samples: dict[str, list[float]] = {name: [] for name, _w, _u in todo}
    for _n in range(repeat):  # round robin: a burst elsewhere slows one sample of each, not all of one
        for name, _what, url in todo:
            samples[name].append(_time(http, url, headers[name]))
    plain = statistics.median(samples["list_plain"])
    plain_count = statistics.median(samples["count_plain"])
    results = []
    for name, what, url in todo:
        median = statistics.median(samples[name])
        base = plain_count if name.startswith("count_") else plain
        results.append(
            {
                "name": name,
                "what": what,
                "url": url,
                "median_ms": round(median, 2),
                "p95_ms": round(sorted(samples[name])[int(0.95 * (len(samples[name]) - 1))], 2),
                "ratio_to_plain": round(median / base, 2),
                "within_target": name.startswith("count_") or median <= TARGET_RATIO * plain,
            }
        )
    return results


def _bulk(clients: int) -> dict[str, Any]:
    """set_attribute over the clients with 1-70 employees (about 10 %), as the worker runs it."""
    from django.contrib.auth.models import Group

    from kartoteka.accounts.models import User
    from kartoteka.accounts.roles import ADMINISTRATOR
    from kartoteka.attributes.models import Attribute
    from kartoteka.bulk.services import bulk_job_run, bulk_run, selection_from
    from kartoteka.jobs.tasks import worker_connection_setup

    worker_connection_setup()
    actor = User.objects.create_user(username="bench-attributes", password=None)
    actor.groups.add(Group.objects.get(name=ADMINISTRATOR))
    newsletter = Attribute.objects.get(key="newsletter").pk
    started = time.perf_counter()
    outcome = bulk_run(
        actor=actor,
        action_name="set_attribute",
        list_name="clients",
        selection=selection_from(list_name="clients", filter_params={"attr.employees__lte": "70", "status": "all"}),
        params={"attribute": newsletter, "value": True},
    )
    assert outcome.job is not None
    frozen = time.perf_counter()
    bulk_job_run(job_id=outcome.job.pk)
    done = time.perf_counter()
    outcome.job.refresh_from_db()
    return {
        "action": "set_attribute newsletter = yes on attr.employees__lte=70",
        "selected": outcome.job.total,
        "result": outcome.job.result,
        "freeze_s": round(frozen - started, 2),
        "run_s": round(done - frozen, 2),
        "total_s": round(done - started, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.attributes", description=__doc__)
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--no-bulk", action="store_true", help="only the lists")
    args = parser.parse_args()
    os.chdir(ROOT)
    machine = report.machine()
    base = ensure_database(args.clients)
    built = _build(args.clients)
    _setup(_path(args.clients))
    lists = _lists(args.repeat)
    result: dict[str, Any] = {
        "benchmark": "attributes",
        "clients": args.clients,
        "database": {**base, "attributes": built},
        "scenarios": lists,
        "memory_after_lists_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if not args.no_bulk:
        from django.db import connections

        connections.close_all()
        copy = copy_database(_path(args.clients), "attributes-bulk-copy")
        try:
            from django.conf import settings

            settings.DATABASES["default"]["NAME"] = str(copy)
            result["bulk"] = _bulk(args.clients)
        finally:
            connections.close_all()
            remove_database(copy)
    machine["load_average_after"] = list(os.getloadavg())
    result["machine"] = machine
    text = json.dumps(result, indent=2, ensure_ascii=False, default=str)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (BENCH_DIR / f"attributes-{stamp}.json").write_text(text)
    (BENCH_DIR / "attributes-latest.json").write_text(text)
    for row in lists:
        print(f"{row['name']:28} {row['median_ms']:8.2f} ms  x{row['ratio_to_plain']}")
    if "bulk" in result:
        print(f"bulk: {result['bulk']}")
    print(f"results: var/bench/attributes-{stamp}.json and var/bench/attributes-latest.json")


if __name__ == "__main__":
    main()
