"""`python -m bench.mail [--clients N] [--mail M]`: the correspondence list on M mail items.

Builds (once) var/bench/mail-<N>-<M>.sqlite3: N clients by `manage.py seed_demo --clients N`,
then M mail items in one set-based INSERT ... SELECT (a recursive counter, no Python loop): every
status and type, received over four years, spread over the clients. Then requests each scenario
through Django's test client as an administrator (URL routing, middleware, session, view,
selector, SQL, template) and reports the median of --repeat samples. Target: the first page and
the client filter under 50 ms median. Results: var/bench/mail-latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

from bench import report
from bench.build import BENCH_DIR, ROOT, _manage, database_url

TARGET_MS = 50.0
ROW = re.compile(rb'data-mail-id="(\d+)"')
SENDERS = ("Zakład Ubezpieczeń Społecznych", "Urząd Skarbowy Warszawa-Śródmieście", "Sąd Rejonowy w Krakowie",
           "PKO Bank Polski", "Orange Polska", "PGE Obrót", "Kancelaria Notarialna", "InPost")  # fmt: skip


def database_path(clients: int, mail: int) -> Path:
    return BENCH_DIR / f"mail-{clients}-{mail}.sqlite3"


def _count(path: Path, table: str) -> int | None:
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.Error:
        return None


def _fold(text: str) -> str:
    import unicodedata

    text = text.replace("ł", "l").replace("Ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


# One row per counter value i: the client, the day (newest days have the largest i), type, status.
_INSERT = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :mail),
  c(lo, cnt) AS (SELECT min(id), count(*) FROM clients_client),
  s(k, sender, folded) AS (VALUES {senders})
INSERT INTO mailroom_mailitem (client_id, received_on, sender, kind, note, status, collected_at, collected_by_id,
  collected_by_name, handed_over_by_id, forwarded_to, forwarded_on, scan_file, scan_name, scan_type, scan_size,
  scanned_at, created_by_id, version, sort_sender, search_text, created_at, updated_at)
SELECT c.lo + (i * 7919) % c.cnt,
  date('now', '-' || ((:mail - i) * 1500 / :mail) || ' days'),
  s.sender,
  CASE i % 11 WHEN 0 THEN 'parcel' WHEN 1 THEN 'other' WHEN 2 THEN 'registered' WHEN 3 THEN 'registered'
    ELSE 'letter' END,
  CASE WHEN i % 7 = 0 THEN 'Za potwierdzeniem odbioru.' ELSE '' END,
  CASE i % 10 WHEN 0 THEN 'forwarded' WHEN 1 THEN 'scanned' WHEN 2 THEN 'received' WHEN 3 THEN 'received'
    ELSE 'collected' END,
  CASE WHEN i % 10 >= 4 THEN datetime('now', '-' || ((:mail - i) * 1500 / :mail) || ' days') END,
  NULL,
  CASE WHEN i % 10 >= 4 THEN 'Jan Kowalski' ELSE '' END,
  NULL,
  CASE WHEN i % 10 = 0 THEN 'ul. Długa 1' || char(10) || '00-001 Warszawa' ELSE '' END,
  CASE WHEN i % 10 = 0 THEN date('now', '-' || ((:mail - i) * 1500 / :mail) || ' days') END,
  CASE WHEN i % 10 = 1 THEN 'bench-' || i ELSE '' END,
  CASE WHEN i % 10 = 1 THEN 'skan.pdf' ELSE '' END,
  CASE WHEN i % 10 = 1 THEN 'application/pdf' ELSE '' END,
  CASE WHEN i % 10 = 1 THEN 120000 ELSE 0 END,
  CASE WHEN i % 10 = 1 THEN datetime('now') END,
  NULL, 1, s.folded,
  s.folded || CASE WHEN i % 7 = 0 THEN ' za potwierdzeniem odbioru.' ELSE ' ' END,
  datetime('now'), datetime('now')
FROM n, c JOIN s ON s.k = i % {sender_count}
"""


def ensure_database(clients: int, mail: int) -> dict[str, Any]:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = database_path(clients, mail)
    info_file = path.with_suffix(".build.json")
    if _count(path, "clients_client") != clients or _count(path, "mailroom_mailitem") != mail:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        print(f"Building {path.name}: {clients:,} clients, {mail:,} mail items (once) ...", flush=True)
        started = time.perf_counter()
        _manage(path, "migrate", "--noinput", "-v0")
        _manage(path, "seed_demo", "--clients", str(clients))
        seeded = time.perf_counter()
        senders = ", ".join(f"({k}, '{name}', '{_fold(name)}')" for k, name in enumerate(SENDERS))
        with sqlite3.connect(path) as db:
            db.execute(_INSERT.format(senders=senders, sender_count=len(SENDERS)), {"mail": mail})
            db.commit()
        filled = time.perf_counter()
        info = {"clients": clients, "mail": mail, "seed_clients_s": round(seeded - started, 1),
                "insert_mail_s": round(filled - seeded, 1)}  # fmt: skip
        info_file.write_text(json.dumps(info, indent=2))
        print(f"  clients {info['seed_clients_s']} s, mail (one INSERT ... SELECT) {info['insert_mail_s']} s")
    else:
        _manage(path, "migrate", "--noinput", "-v0")
    info = json.loads(info_file.read_text()) if info_file.exists() else {}
    info["size_mb"] = round(path.stat().st_size / 2**20)
    return info


def _setup(path: Path) -> None:
    os.environ["DATABASE_URL"] = database_url(path)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _plans(http: Any, urls: dict[str, str]) -> dict[str, list[str]]:
    """EXPLAIN QUERY PLAN of the page query each URL runs (as run): one index walk, no sort step."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plans = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            http.get(url)
        page_sql = next(
            q["sql"] for q in queries.captured_queries if "mailroom_mailitem" in q["sql"] and "LIMIT" in q["sql"]
        )
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {page_sql}")
            plans[name] = [str(row[-1]) for row in cursor.fetchall()]
    return plans


def run(clients: int, mail: int, repeat: int, warmup: int) -> dict[str, Any]:
    build = ensure_database(clients, mail)
    _setup(database_path(clients, mail))
    from bench.__main__ import _memory, _percentile
    from bench.scenarios import logged_in_client
    from kartoteka.mailroom.models import MailItem

    http = logged_in_client()
    busiest = (
        MailItem.objects.values_list("client_id", flat=True).order_by("-client_id").first()
    )  # any client with mail: each has about M / N items
    scenarios = [
        ("first_page", "Korespondencja, newest first (50 of all)", "/mail/", True),
        ("filter_client", "filtered to one client (Pokaż pocztę)", f"/mail/?client={busiest}", True),
        ("poczta_tab", "the client's Poczta tab", f"/clients/{busiest}/mail/", False),
        ("status_forwarded", "status = forwarded", "/mail/?status=forwarded", False),
        ("search_sender", "search `skarbowy`", "/mail/?q=skarbowy", False),
        ("api_first_page", "GET /api/mail (session-less token)", "/api/mail", False),
        ("api_client", "GET /api/mail?client=", f"/api/mail?client={busiest}", False),
    ]
    token = _token()
    timings: dict[str, list[float]] = {name: [] for name, *_ in scenarios}
    rows: dict[str, int] = {}
    for name, _what, url, _target in scenarios:
        for _ in range(max(warmup, 1)):
            response = _get(http, url, token)
        rows[name] = len(response.json()["items"]) if url.startswith("/api/") else len(ROW.findall(response.content))
    for _ in range(repeat):
        for name, _what, url, _target in scenarios:
            started = time.perf_counter()
            _get(http, url, token)
            timings[name].append((time.perf_counter() - started) * 1000)
    results = [
        {
            "name": name, "what": what, "url": url, "target": target,
            "median_ms": round(statistics.median(timings[name]), 2),
            "p95_ms": round(_percentile(timings[name], 95), 2),
            "min_ms": round(min(timings[name]), 2), "rows": rows[name], "repetitions": repeat,
            "within_target": statistics.median(timings[name]) < TARGET_MS if target else None,
        }
        for name, what, url, target in scenarios
    ]  # fmt: skip
    plans = _plans(http, {name: url for name, _what, url, target in scenarios if target})
    return {"clients": clients, "mail": mail, "database": build, "scenarios": results, "plans": plans,
            "memory": _memory(), "target_median_ms": TARGET_MS}  # fmt: skip


def _token() -> str:
    from kartoteka.accounts.models import User
    from kartoteka.accounts.services import api_token_create

    return api_token_create(user=User.objects.get(username="bench-admin"))


def _get(http: Any, url: str, token: str) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if url.startswith("/api/") else {}
    response = http.get(url, headers=headers)
    if response.status_code != 200:
        raise SystemExit(f"HTTP {response.status_code} for {url}")
    return response


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.mail", description=__doc__)
    parser.add_argument("--clients", type=int, default=100_000, help="clients (default 100,000)")
    parser.add_argument("--mail", type=int, default=1_000_000, help="mail items (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=30, help="timed samples per scenario (default 30, at least 20)")
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    if args.repeat < 20:
        parser.error("--repeat must be at least 20")
    os.chdir(ROOT)
    machine = report.machine()
    result = run(args.clients, args.mail, args.repeat, args.warmup)
    result["machine"] = {**machine, "load_average_after": list(os.getloadavg())}
    text = json.dumps(result, indent=2, ensure_ascii=False, default=str)
    (BENCH_DIR / f"mail-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(text)
    (BENCH_DIR / "mail-latest.json").write_text(text)
    print(f"\n{'scenario':<18} {'median ms':>10} {'p95 ms':>9}  {'rows':>5}  target")
    for s in result["scenarios"]:
        mark = ("ok" if s["within_target"] else "MISSED") if s["target"] else "(extra)"
        print(f"{s['name']:<18} {s['median_ms']:>10.2f} {s['p95_ms']:>9.2f}  {s['rows']:>5}  {mark}")
    for name, plan in result["plans"].items():
        print(f"plan {name}: {' | '.join(plan)}")
    print("results: var/bench/mail-latest.json")


if __name__ == "__main__":
    main()
