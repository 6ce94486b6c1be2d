"""Demo data contributed by the apps (`manage.py seed_demo`).

`clients` creates the demo clients; an app that adds something to a client (contact persons,
cases, tasks, mail) declares a seeder in its own `demo.py`, found by `autodiscover_modules("demo")`
like tabs and bulk actions, so `seed_demo` never lists the apps that extend it.

A seeder gets its own random generator (seeded from the demo seed and its name, so the same seed
gives the same data whatever other seeders exist) and the ids of the demo clients, writes
set-based, and returns one line for the command's summary.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class _Registered:
    name: str
    order: int
    seed: Callable[..., str]


_SEEDERS: dict[str, _Registered] = {}


def register_demo(name: str, *, order: int = 100) -> Callable[[Callable[..., str]], Callable[..., str]]:
    """Declare `seed(*, rng, client_ids) -> str` as demo data; lower `order` runs first."""

    def decorator(seed: Callable[..., str]) -> Callable[..., str]:
        _SEEDERS[name] = _Registered(name=name, order=order, seed=seed)
        return seed

    return decorator


def run_demo_seeders(*, seed: int, client_ids: Sequence[int]) -> list[str]:
    """Run every app's seeder in order; the summary lines they return."""
    autodiscover_modules("demo")
    lines = []
    for registered in sorted(_SEEDERS.values(), key=lambda r: (r.order, r.name)):
        rng = random.Random(f"{seed}:{registered.name}")  # noqa: S311 - demo data, not secrets
        lines.append(registered.seed(rng=rng, client_ids=client_ids))
    return lines
