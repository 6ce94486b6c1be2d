from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _sync_roles_after_last_app(sender: AppConfig, **kwargs: Any) -> None:
    # Permissions are created app by app during post_migrate; sync once all of them exist.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender.label != with_models[-1].label:
        return
    from kartoteka.accounts.roles import roles_sync

    roles_sync()


class AccountsConfig(AppConfig):
    name = "kartoteka.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        post_migrate.connect(_sync_roles_after_last_app, dispatch_uid="kartoteka_roles_sync")
