from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import Group
from django.db import transaction

from kartoteka.accounts.models import ApiToken, User
from kartoteka.accounts.roles import ROLES
from kartoteka.audit.services import audit_record


@transaction.atomic(durable=True)
def api_token_create(*, user: User, name: str = "") -> str:
    """Create a token for `user` and return its secret (stored only as a digest)."""
    secret = ApiToken.new_secret()
    ApiToken.objects.create(user=user, name=name, digest=ApiToken.digest_of(secret), prefix=secret[:8])
    audit_record(actor=user, event_type="accounts.api_token.created", details={"name": name})
    return secret


@transaction.atomic(durable=True)
def staff_user_create(
    *, username: str, password: str, role: str, first_name: str = "", last_name: str = "", email: str = ""
) -> User:
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}")
    user = User.objects.create_user(
        username=username,
        password=password,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=role == "administrator",
        is_superuser=False,
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def password_reset_mail_enqueue(*, email: str, domain: str, use_https: bool, language: str) -> None:
    """Have the worker send the reset mail once the request's transaction commits (none if it rolls back)."""
    from kartoteka.accounts.tasks import password_reset_mail_task

    transaction.on_commit(
        lambda: password_reset_mail_task.enqueue(email=email, domain=domain, use_https=use_https, language=language)
    )


@transaction.atomic(durable=True)
def password_change(*, actor: User, form: SetPasswordForm) -> User:  # type: ignore[type-arg]
    """Save a valid change-password form of `actor`'s own account, with an audit entry."""
    user: User = form.save()
    audit_record(actor=actor, event_type="accounts.user.password_changed", details={"user": user.username})
    return user


@transaction.atomic(durable=True)
def password_reset(*, form: SetPasswordForm) -> User:  # type: ignore[type-arg]
    """Save a valid set-password form reached through a reset link; the user is its own actor."""
    user: User = form.save()
    audit_record(actor=user, event_type="accounts.user.password_reset", details={"user": user.username})
    return user
