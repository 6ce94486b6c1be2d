"""Other apps' look-after work for the worker's sweep (start-up and every KARTOTEKA_JOB_SWEEP_INTERVAL s).

An app registers a function from its AppConfig.ready (`jobs` imports none of them); it returns
counts of what it did, which the sweep logs with the jobs' own. One failing function does not
stop the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

_HOOKS: dict[str, Callable[[], dict[str, int]]] = {}


def register_maintenance(name: str, run: Callable[[], dict[str, int]]) -> None:
    _HOOKS[name] = run


def maintenance_run() -> dict[str, int]:
    done: dict[str, int] = {}
    for name, run in _HOOKS.items():
        try:
            done.update({f"{name}.{key}": value for key, value in run().items()})
        except Exception:  # a locked database or a lost connection: try again next time
            logger.exception("Looking after %s failed", name)
    return done
