import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from kartoteka.audit.services import audit_record_bulk
from kartoteka.clients import demo
from kartoteka.clients.models import Client
from kartoteka.clients.operations import archive_rows
from kartoteka.core.demo import run_demo_seeders

DEMO_CLIENTS = 300
DEMO_SETS = 6
BENCH_SETS = 20
DEMO_SEED = 2024
DEMO_ARCHIVED = 12


class Command(BaseCommand):
    help = (
        "Load demo data: a few hundred Polish-looking clients with groups, labels and notes. "
        "With --clients N: N clients as benchmark data, inserted set-based (a million in minutes), "
        "with 20 groups and 20 labels and no per-client audit entries."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when any client exists.")
        parser.add_argument("--clients", type=int, help="Generate this many clients (benchmark data).")
        parser.add_argument("--seed", type=int, default=None, help="Random seed: the same seed, the same data.")
        parser.add_argument("--batch", type=int, default=20_000, help="Rows per executemany (default 20000).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Client.objects.exists():
            self.stdout.write("Clients exist already: no demo data loaded.")
            return
        count: int | None = options["clients"]
        if count is not None and count < 1:
            raise CommandError("--clients must be a positive number.")
        if options["batch"] < 1:
            raise CommandError("--batch must be a positive number.")
        started = time.perf_counter()
        if count is None:
            self._demo(seed=DEMO_SEED if options["seed"] is None else options["seed"])
            count = DEMO_CLIENTS
        else:
            seed = 1 if options["seed"] is None else options["seed"]
            demo.load_clients(count=count, seed=seed, sets=BENCH_SETS, batch=options["batch"])
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Created {count:,} clients in {seconds:.1f} s."))

    @transaction.atomic
    def _demo(self, *, seed: int) -> None:
        ids = demo.load_clients(count=DEMO_CLIENTS, seed=seed, sets=DEMO_SETS)
        notes = demo.add_notes(random.Random(seed), ids)
        audit_record_bulk(
            actor=None,
            event_type="clients.client.created",
            clients=Client.objects.filter(id__in=ids),
            details={"count": len(ids), "source": "demo"},
        )
        archived = self._archive_some(random.Random(seed), ids)
        self.stdout.write(
            f"Demo data: {len(ids)} clients ({archived} in the archive), {DEMO_SETS} groups, "
            f"{DEMO_SETS} labels, {notes} notes."
        )
        # What other apps add to the demo clients (contact persons, cases, tasks, mail): their demo.py.
        for line in run_demo_seeders(seed=seed, client_ids=ids):
            self.stdout.write(line)

    def _archive_some(self, rng: random.Random, ids: list[int]) -> int:
        """A few former clients wait in the archive, so Clients → Archive has something to show."""
        chosen = Client.objects.filter(id__in=rng.sample(ids, DEMO_ARCHIVED))
        audit_record_bulk(
            actor=None, event_type="clients.client.archived", clients=chosen, details={"count": DEMO_ARCHIVED}
        )
        return archive_rows(chosen, actor=None, now=timezone.now())
