import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from kartoteka.accounts.models import User
from kartoteka.accounts.roles import ADMINISTRATOR
from kartoteka.accounts.services import staff_user_create


class Command(BaseCommand):
    help = "Create the first administrator (once) and print its login."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Where the application is served.")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        password_file = Path(settings.VAR_DIR) / f"{username}_password.txt"
        user = User.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            staff_user_create(username=username, password=password, role=ADMINISTRATOR, first_name="Administrator")
            password_file.write_text(password)
            password_file.chmod(0o600)
        password = password_file.read_text().strip() if password_file.exists() else ""
        if user is not None and not (password and user.check_password(password)):
            self.stdout.write(f"Log in as {username!r} with the password you set.")
            return
        self.stdout.write(self.style.SUCCESS(f"Log in at {options['url']} as {username} / {password}"))
