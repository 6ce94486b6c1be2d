"""Who does a piece of work: a staff user, a portal user (coming with the portal) or the system.

Every service takes `actor=` and every selector starts from a scope for that actor, so the
permission check and the audit entry happen in one place whoever calls (DESIGN.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from kartoteka.accounts.models import User


@dataclass(frozen=True)
class SystemActor:
    """Work that no logged-in person does: the public web form, scheduled jobs, data migrations.

    It holds exactly the permissions it is given, and is never a user row: audit entries record
    it with no user and its `name`.
    """

    name: str
    permissions: frozenset[str] = field(default_factory=frozenset)

    pk: None = None
    id: None = None
    is_active: bool = True
    is_authenticated: bool = False
    is_superuser: bool = False

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return perm in self.permissions

    def has_perms(self, perms: Any, obj: Any = None) -> bool:
        return all(self.has_perm(p) for p in perms)

    def __str__(self) -> str:
        return self.name


Actor: TypeAlias = "User | SystemActor"


def user_of(actor: Actor | None) -> User | None:
    """The user row to record as author or changer (none for the system)."""
    return None if actor is None or isinstance(actor, SystemActor) else actor
