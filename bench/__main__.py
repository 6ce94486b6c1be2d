"""`python -m bench [--clients N]`: time the client list on N clients (default 1,000,000).

Builds (once) var/bench/bench.sqlite3 with `manage.py seed_demo --clients N`, then requests each
scenario through Django's test client, logged in as an administrator: URL routing, middleware,
session, view, selector, SQL and template, exactly as gunicorn would run them, minus the socket.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from typing import Any

from bench import report
from bench.build import ROOT, database_path, database_url, ensure_database


def _setup_django(clients: int) -> None:
    os.environ["DATABASE_URL"] = database_url(database_path(clients))
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    django.setup()
    # No collectstatic here: serve asset names as they are (a manifest lookup costs the same).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def _memory() -> dict[str, float]:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    status = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
                status[key] = round(int(value.split()[0]) / 1024, 1)
    return {"peak_rss_mb": round(peak, 1), **{f"{k}_mb": v for k, v in status.items()}}


def _timed(http: Any, scenario: Any) -> tuple[float, float, bytes]:
    started, cpu_started = time.perf_counter(), time.process_time()
    response = http.get(scenario.url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{scenario.name}: HTTP {response.status_code} for {scenario.url}")
    return elapsed, (time.process_time() - cpu_started) * 1000, response.content


def run(clients: int, repeat: int, warmup: int) -> dict[str, Any]:
    build = ensure_database(clients)
    _setup_django(clients)
    from bench.scenarios import logged_in_client, scenarios

    http = logged_in_client()
    memory_before = _memory()
    todo = scenarios()
    shown = {}
    for scenario in todo:
        for _ in range(max(warmup, 1)):  # the last untimed answer is checked
            body = _timed(http, scenario)[2]
        shown[scenario.name] = scenario.check(body)
    # Round robin: a burst of work from another process on this shared machine then slows one
    # sample of every scenario, not every sample of one.
    samples: dict[str, list[float]] = {s.name: [] for s in todo}
    cpu: dict[str, list[float]] = {s.name: [] for s in todo}
    for _ in range(repeat):
        for scenario in todo:
            wall, used, _ = _timed(http, scenario)
            samples[scenario.name].append(wall)
            cpu[scenario.name].append(used)
    results = []
    for scenario in todo:
        wall_ms = samples[scenario.name]
        results.append(
            {
                "name": scenario.name,
                "what": scenario.what,
                "url": scenario.url,
                "target": scenario.target,
                "median_ms": round(statistics.median(wall_ms), 2),
                "p95_ms": round(_percentile(wall_ms, 95), 2),
                "cpu_median_ms": round(statistics.median(cpu[scenario.name]), 2),
                "min_ms": round(min(wall_ms), 2),
                "max_ms": round(max(wall_ms), 2),
                "repetitions": repeat,
                ("count" if scenario.is_count else "rows"): shown[scenario.name],
            }
        )
    return {
        "clients": clients,
        "database": build,
        "memory": {"before_scenarios": memory_before, "after": _memory()},
        "scenarios": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--clients", type=int, default=1_000_000, help="clients in the database (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=30, help="timed repetitions per scenario (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
    args = parser.parse_args()
    if args.repeat < 15:
        parser.error("--repeat must be at least 15")
    os.chdir(ROOT)
    started = report.machine()
    result = run(args.clients, args.repeat, args.warmup)
    result["machine"] = started
    result["machine"]["load_average_after"] = list(os.getloadavg())
    report.write(result)


if __name__ == "__main__":
    main()
