"""`python -m bench.exports [--clients N]`: time exports, each beside its limit, in one run.

On a copy of the benchmark database (an export writes its job, items and audit entry), each
scenario runs in its own process so its peak memory is its own; the exports with a yardstick run
`--repeat` times (3) interleaved with it, and the ratios are of the median times (the machine is
shared: a burst of other work slows one round of both, not every run of one):

- csv: every client on the list (`status=all`) to CSV through the bulk action, as the user gets
  it (selection frozen into a job, the worker's chunks, the file), against the `sqlite3` shell
  writing the same columns with `.mode csv` (groups and labels aggregated in SQL). Target: at
  most 2x the shell's time, peak memory under 200 MB.
- xlsx: the same clients to .xlsx through the bulk action, against XlsxWriter (constant_memory)
  writing the same rows from a Python list (read beforehand, not timed). Target: at most 1.5x,
  peak memory under 300 MB.
- ods, vcf, html: time and peak memory on the first 100,000 clients (ODS target: under 10 s and
  200 MB); `ods_odfpy` measures
  odfpy building the same document (on at most ODFPY_ROWS rows, extrapolated), which is why the
  .ods writer streams by itself.

Results go to var/bench/exports-<N>.json and are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.build import BENCH_DIR, ROOT, copy_database, database_path, database_url, ensure_database, remove_database

COLUMNS = ["id", "name", "company", "email", "phone", "nip", "address", "status", "groups", "labels", "created"]
ODFPY_ROWS = 20_000
SUBSET = 100_000  # ODS, vCard and HTML are measured on this many clients (the size for them)
SUBSET_FORMATS = ("ods", "vcf", "html")
TARGETS: dict[str, dict[str, float]] = {
    "csv": {"ratio": 2.0, "peak_mb": 200.0},
    "xlsx": {"ratio": 1.5, "peak_mb": 300.0},
    "ods": {"seconds": 10.0, "peak_mb": 200.0},
}

# The default columns in SQL, for the sqlite3 shell (same order, same text as the export's).
SHELL_SQL = """
SELECT c.id,
  trim(c.first_name || ' ' || c.last_name),
  c.company_name, c.email, c.phone, c.nip,
  trim(c.street || CASE WHEN c.street <> '' AND (c.postal_code || c.city) <> '' THEN ', ' ELSE '' END
       || trim(c.postal_code || ' ' || c.city)
       || CASE WHEN c.country NOT IN ('', 'PL') THEN ', ' || c.country ELSE '' END),
  CASE c.status WHEN 'active' THEN 'Aktywny' ELSE 'Nieaktywny' END,
  (SELECT group_concat(name, ', ') FROM (SELECT g.name FROM clients_client_groups m
     JOIN clients_clientgroup g ON g.id = m.clientgroup_id WHERE m.client_id = c.id ORDER BY g.name)),
  (SELECT group_concat(name, ', ') FROM (SELECT l.name FROM clients_client_labels m
     JOIN clients_label l ON l.id = m.label_id WHERE m.client_id = c.id ORDER BY l.name)),
  strftime('%Y-%m-%d %H:%M', c.created_at, 'localtime')
FROM clients_client c WHERE c.archived_at IS NULL ORDER BY c.id;
"""


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# --- one scenario, in its own process ------------------------------------------------------


def _setup(path: str, files: str) -> None:
    os.environ["DATABASE_URL"] = database_url(Path(path))
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"  # we run the job ourselves
    os.environ["KARTOTEKA_JOB_FILES_DIR"] = files
    os.environ["DEBUG"] = "false"  # as in production: no query log
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _actor() -> Any:
    from django.contrib.auth.models import Group

    from kartoteka.accounts.models import User
    from kartoteka.accounts.roles import ADMINISTRATOR

    actor, created = User.objects.get_or_create(username="bench-exports")
    if created:
        actor.groups.add(Group.objects.get(name=ADMINISTRATOR))
    return User.objects.get(pk=actor.pk)  # fresh permission cache


def _export_job(fmt: str, limit: int | None = None) -> dict[str, Any]:
    """The bulk action as the user runs it: bulk_run freezes the selection, the worker writes the file.

    Every client on the list, or (`limit`) about the oldest `limit` of them, selected as a user
    would: by a filter (`created_to`, the day of the limit-th oldest client).
    """
    from django.utils import translation

    from kartoteka.bulk.services import bulk_run, selection_from
    from kartoteka.jobs.models import Job
    from kartoteka.jobs.runner import job_execute
    from kartoteka.jobs.tasks import worker_connection_setup

    worker_connection_setup()
    translation.activate("pl")
    actor = _actor()
    started = time.perf_counter()
    filter_params = {"status": "all"}
    if limit is not None:
        from django.utils import timezone

        from kartoteka.clients.models import Client

        live = Client.objects.filter(archived_at__isnull=True).order_by("created_at", "id")
        last = live.values_list("created_at", flat=True)[limit - 1 : limit].first()
        if last is not None:  # more clients than the limit
            filter_params["created_to"] = timezone.localtime(last).date().isoformat()
    selection = selection_from(list_name="clients", filter_params=filter_params)
    outcome = bulk_run(
        actor=actor,
        action_name="export",
        list_name="clients",
        selection=selection,
        params={"format": fmt, "columns": COLUMNS},
    )
    assert outcome.job is not None
    job_execute(job_id=outcome.job.pk)  # a no-op when it already ran at once (a small selection)
    seconds = time.perf_counter() - started
    job = Job.objects.get(pk=outcome.job.pk)
    return {
        "seconds": round(seconds, 2),
        "rows": job.result.get("changed"),
        "status": job.status,
        "file_mb": round((job.file_size or 0) / 2**20, 1),
    }


def _writer_only(fmt: str) -> dict[str, Any]:
    """The writer alone over the same clients (no job, items or audit entry): what the framework adds."""
    from django.utils import translation

    from kartoteka.clients.models import Client
    from kartoteka.exports.services import export_write
    from kartoteka.jobs.tasks import worker_connection_setup

    worker_connection_setup()  # as the worker (no SQLite memory map counted as the process's memory)
    translation.activate("pl")
    actor = _actor()
    with tempfile.TemporaryDirectory() as tmp, open(f"{tmp}/out", "wb") as handle:
        started = time.perf_counter()
        rows = export_write(
            actor=actor, clients=Client.objects.filter(archived_at__isnull=True), format=fmt, columns=COLUMNS,
            handle=handle,
        )  # fmt: skip
        seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "rows": rows}


def _rows_list() -> list[tuple[Any, ...]]:
    from kartoteka.clients.models import Client
    from kartoteka.exports.columns import get_columns
    from kartoteka.exports.rows import export_rows

    columns = get_columns(COLUMNS)
    rows: list[tuple[Any, ...]] = []
    clients = Client.objects.filter(archived_at__isnull=True).order_by("id")
    after = 0
    while True:
        chunk = list(clients.filter(id__gt=after).values_list("id", flat=True)[:10_000])
        if not chunk:
            return rows
        rows.extend(export_rows(clients.filter(id__gte=chunk[0], id__lte=chunk[-1]), columns))
        after = chunk[-1]


def _xlsx_baseline() -> dict[str, Any]:
    import xlsxwriter

    rows = _rows_list()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        book = xlsxwriter.Workbook(f"{tmp}/baseline.xlsx", {"constant_memory": True})
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, COLUMNS)
        for index, row in enumerate(rows, start=1):
            sheet.write_row(index, 0, row)
        book.close()
        seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "rows": len(rows)}


def _ods_odfpy() -> dict[str, Any]:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    rows = _rows_list()[:ODFPY_ROWS]
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        document = OpenDocumentSpreadsheet()
        table = Table(name="Klienci")
        for row in rows:
            line = TableRow()
            for value in row:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text="" if value is None else str(value)))
                line.addElement(cell)
            table.addElement(line)
        document.spreadsheet.addElement(table)
        document.save(f"{tmp}/odfpy.ods")
        seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "rows": len(rows)}


def _one(scenario: str, path: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as files:
        _setup(path, files)
        if scenario == "xlsx_baseline":
            result = _xlsx_baseline()
        elif scenario == "ods_odfpy":
            result = _ods_odfpy()
        elif scenario.endswith("_writer_only"):
            result = _writer_only(scenario.removesuffix("_writer_only"))
        elif scenario in SUBSET_FORMATS:
            result = _export_job(scenario, limit=SUBSET)
        else:
            result = _export_job(scenario)
    return {**result, "peak_mb": _peak_mb()}


# --- the whole run -------------------------------------------------------------------------


def _sqlite_shell(path: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "shell.csv"
        script = f".headers on\n.mode csv\n.output {out}\n{SHELL_SQL}\n.output stdout\n"
        started = time.perf_counter()
        subprocess.run(["sqlite3", str(path)], input=script, text=True, check=True)  # noqa: S603, S607
        seconds = time.perf_counter() - started
        size = out.stat().st_size
    return {"seconds": round(seconds, 2), "file_mb": round(size / 2**20, 1)}


def _spawn(scenario: str, path: Path) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 -- this module, fixed arguments
        [sys.executable, "-m", "bench.exports", "--one", scenario, "--database", str(path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  {scenario}: {result}", flush=True)
    return result


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median time of repeated runs (interleaved with its yardstick's), with the
    fastest and every run's time beside it, and the highest peak memory of them all."""
    ordered = sorted(runs, key=lambda r: r["seconds"])
    middle = dict(ordered[(len(ordered) - 1) // 2])
    middle["median_seconds"] = round(statistics.median(r["seconds"] for r in runs), 2)
    middle["seconds"] = middle["median_seconds"]
    middle["fastest_seconds"] = ordered[0]["seconds"]
    middle["runs_seconds"] = [r["seconds"] for r in runs]
    if "peak_mb" in middle:
        middle["peak_mb"] = max(r["peak_mb"] for r in runs)
    return middle


def run(clients: int, repeat: int = 3) -> dict[str, Any]:
    """Each export and its yardstick run `repeat` times, interleaved, so a busy machine slows both."""
    build = ensure_database(clients)
    copy = copy_database(database_path(clients), "exports-copy")
    try:
        paired: dict[str, list[dict[str, Any]]] = {}
        for _ in range(repeat):
            paired.setdefault("sqlite3_shell_csv", []).append(_sqlite_shell(copy))
            print(f"  sqlite3 shell .mode csv: {paired['sqlite3_shell_csv'][-1]}", flush=True)
            for scenario in ("csv", "xlsx_baseline", "xlsx"):
                paired.setdefault(scenario, []).append(_spawn(scenario, copy))
        results: dict[str, Any] = {name: _median(runs) for name, runs in paired.items()}
        for scenario in ("csv_writer_only", "ods", "vcf", "html", "ods_odfpy"):
            results[scenario] = _spawn(scenario, copy)
    finally:
        remove_database(copy)
    checks = {  # medians over medians; the ratios of each interleaved round beside them
        "csv_ratio": round(results["csv"]["seconds"] / results["sqlite3_shell_csv"]["seconds"], 2),
        "xlsx_ratio": round(results["xlsx"]["seconds"] / results["xlsx_baseline"]["seconds"], 2),
        "csv_ratio_per_round": [
            round(a["seconds"] / b["seconds"], 2)
            for a, b in zip(paired["csv"], paired["sqlite3_shell_csv"], strict=True)
        ],
        "xlsx_ratio_per_round": [
            round(a["seconds"] / b["seconds"], 2) for a, b in zip(paired["xlsx"], paired["xlsx_baseline"], strict=True)
        ],
    }
    odfpy = results["ods_odfpy"]
    rows = results["ods"]["rows"] or 1
    results["ods_odfpy"]["extrapolated_seconds"] = round(odfpy["seconds"] * rows / max(odfpy["rows"], 1), 1)
    verdicts = {
        "csv": checks["csv_ratio"] <= TARGETS["csv"]["ratio"] and results["csv"]["peak_mb"] < TARGETS["csv"]["peak_mb"],
        "xlsx": checks["xlsx_ratio"] <= TARGETS["xlsx"]["ratio"]
        and results["xlsx"]["peak_mb"] < TARGETS["xlsx"]["peak_mb"],
        "ods": results["ods"]["seconds"] < TARGETS["ods"]["seconds"]
        and results["ods"]["peak_mb"] < TARGETS["ods"]["peak_mb"],
    }
    return {"clients": clients, "database": build, "results": results, "ratios": checks, "targets": TARGETS,
            "met": verdicts}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each export and its yardstick (the median counts)"
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_one(args.one, args.database)))
        return
    result = run(args.clients, args.repeat)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    out = BENCH_DIR / f"exports-{args.clients}.json"
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps({"ratios": result["ratios"], "met": result["met"]}, indent=2))
    print(f"Results: {out}")


if __name__ == "__main__":
    main()
