"""Machine facts, the JSON files and the printed table."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import subprocess
import time
from typing import Any

from bench.build import BENCH_DIR, ROOT

TARGET_MS = 30  # issue 6: every list scenario under 30 ms median (was 50)
TARGET_RSS_MB = 300
TARGET_RATIO = 1.5  # a 50-row page costs at most this many times the same request for 3 rows


def machine() -> dict[str, Any]:
    cpu = ""
    with open("/proc/cpuinfo") as f:
        cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 -- git from PATH, fixed arguments
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "git_commit": commit,
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "memory_gb": round(mem_kb / 2**20, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_average_before": list(os.getloadavg()),
    }


def write(result: dict[str, Any]) -> None:
    result["targets"] = {"median_ms": TARGET_MS, "peak_rss_mb": TARGET_RSS_MB, "rows_50_to_3_ratio": TARGET_RATIO}
    targets = [s for s in result["scenarios"] if s["target"]]
    medians = {s["name"]: s["median_ms"] for s in result["scenarios"]}
    if medians.get("list_first_page_3_rows"):
        result["rows_50_to_3_ratio"] = round(medians["list_first_page"] / medians["list_first_page_3_rows"], 2)
    peak = result["memory"]["after"]["peak_rss_mb"]
    ratio_met = result.get("rows_50_to_3_ratio", 0) <= TARGET_RATIO
    result["all_targets_met"] = all(s["median_ms"] < TARGET_MS for s in targets) and peak < TARGET_RSS_MB and ratio_met
    text = json.dumps(result, indent=2, ensure_ascii=False)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (BENCH_DIR / f"results-{stamp}.json").write_text(text)
    (BENCH_DIR / "latest.json").write_text(text)
    print()
    print(f"{'scenario':<26} {'median ms':>10} {'p95 ms':>9} {'cpu ms':>8}  {'rows/count':>10}  target")
    for s in result["scenarios"]:
        mark = ("ok" if s["median_ms"] < TARGET_MS else "MISSED") if s["target"] else "(extra)"
        shown = s.get("rows", s.get("count"))
        print(
            f"{s['name']:<26} {s['median_ms']:>10.2f} {s['p95_ms']:>9.2f} {s['cpu_median_ms']:>8.2f}"
            f"  {shown:>10,}  {mark}"
        )
    ratio = result.get("rows_50_to_3_ratio")
    if ratio is not None:
        print(f"list_first_page / list_first_page_3_rows: {ratio:.2f}x (target <= {TARGET_RATIO}x)")
    print(f"peak RSS of the serving process: {peak:.0f} MB (target < {TARGET_RSS_MB} MB)")
    db = result["database"]
    if "seed_demo_s" in db:
        print(f"seed_demo --clients {db['clients']:,}: {db['seed_demo_s']} s; database {db['size_mb']:,} MB")
    print(f"results: var/bench/results-{stamp}.json and var/bench/latest.json")
