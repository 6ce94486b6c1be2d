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


def run(clients: int, repeat: int, warmup: int) -> dict[str, Any]:
    build = ensure_database(clients)
    _setup_django(clients)
    from bench.scenarios import logged_in_client, scenarios

    http = logged_in_client()
    memory_before = _memory()
    results = []
    for scenario in scenarios():
        samples = []
        cpu = []
        for i in range(warmup + repeat):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = http.get(scenario.url)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{scenario.name}: HTTP {response.status_code} for {scenario.url}")
            if i >= warmup:
                samples.append(elapsed)
                cpu.append((time.process_time() - cpu_started) * 1000)
        shown = scenario.check(response.content)
        results.append(
            {
                "name": scenario.name,
                "what": scenario.what,
                "url": scenario.url,
                "target": scenario.target,
                "median_ms": round(statistics.median(samples), 2),
                "p95_ms": round(_percentile(samples, 95), 2),
                "cpu_median_ms": round(statistics.median(cpu), 2),
                "min_ms": round(min(samples), 2),
                "max_ms": round(max(samples), 2),
                "repetitions": repeat,
                ("count" if scenario.is_count else "rows"): shown,
            }
        )
        print(f"  {scenario.name:<26} median {results[-1]['median_ms']:8.2f} ms", flush=True)
    return {
        "clients": clients,
        "database": build,
        "memory": {"before_scenarios": memory_before, "after": _memory()},
        "scenarios": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--clients", type=int, default=1_000_000, help="clients in the database (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=20, help="timed repetitions per scenario (default 20)")
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
