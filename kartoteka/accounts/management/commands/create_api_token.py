from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kartoteka.accounts.models import User
from kartoteka.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a staff user and print it (it is shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        secret = api_token_create(user=user, name=options["name"])
        self.stdout.write(secret)
