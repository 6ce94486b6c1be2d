"""The benchmark database: built once by `manage.py seed_demo --clients N`, then reused."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
MILLION = 1_000_000


def database_path(clients: int) -> Path:
    name = "bench.sqlite3" if clients == MILLION else f"bench-{clients}.sqlite3"
    return BENCH_DIR / name


def database_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"  # sqlite:////abs/path


def _count(path: Path) -> int | None:
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return int(db.execute("SELECT count(*) FROM clients_client").fetchone()[0])
    except sqlite3.Error:
        return None


def _manage(path: Path, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url(path)}
    done = subprocess.run(  # noqa: S603 -- our own manage.py with fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return done.stdout


def copy_database(source: Path, name: str) -> Path:
    """A copy of a benchmark database (for scenarios that write), under var/bench/<name>.sqlite3."""
    target = BENCH_DIR / f"{name}.sqlite3"
    remove_database(target)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def ensure_database(clients: int) -> dict[str, Any]:
    """Migrate the database; (re)build it when it lacks exactly `clients` clients.

    Returns how it was built: seed time is measured when building and remembered next to the file.
    """
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = database_path(clients)
    info_file = path.with_suffix(".build.json")
    if _count(path) != clients:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        info_file.unlink(missing_ok=True)
        print(f"Building {path} with {clients:,} clients (once; later runs reuse it) ...", flush=True)
        started = time.perf_counter()
        _manage(path, "migrate", "--noinput", "-v0")
        migrated = time.perf_counter()
        output = _manage(path, "seed_demo", "--clients", str(clients))
        seeded = time.perf_counter()
        info = {
            "clients": clients,
            "migrate_s": round(migrated - started, 1),
            "seed_demo_s": round(seeded - migrated, 1),
            "seed_demo_output": output.strip(),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        info_file.write_text(json.dumps(info, indent=2))
        print(f"  seed_demo --clients {clients}: {info['seed_demo_s']} s", flush=True)
    else:
        _manage(path, "migrate", "--noinput", "-v0")  # new indexes of later migrations
    info = json.loads(info_file.read_text()) if info_file.exists() else {"clients": clients}
    info["path"] = str(path.relative_to(ROOT))
    info["size_mb"] = round(path.stat().st_size / 2**20)
    return info
