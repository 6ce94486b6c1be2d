import functools

import factory
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client as HttpClient
from django.utils import timezone
from factory.django import DjangoModelFactory

from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.portal.models import PortalUser
from kartoteka.portal.sessions import COOKIE_NAME, HASH_KEY, USER_KEY, session_hash

PASSWORD = "Portal-haslo-2026!"


@functools.cache
def hashed(password: str) -> str:
    """Hashed once per run (Argon2 is slow on purpose): every factory user shares the hash."""
    return make_password(password)


class PortalUserFactory(DjangoModelFactory):
    """An activated portal user whose password is PASSWORD."""

    class Meta:
        model = PortalUser
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    email = factory.Sequence(lambda n: f"portal{n}@example.pl")
    activated_at = factory.LazyFunction(timezone.now)
    password = factory.LazyFunction(lambda: hashed(PASSWORD))


def portal_logged_in(user: PortalUser) -> HttpClient:
    """A browser with a portal session of `user`, as the login page makes it (without its slow hash check)."""
    store = SessionStore()
    store[USER_KEY], store[HASH_KEY] = user.pk, session_hash(user)
    store.create()
    http = HttpClient()
    http.cookies[COOKIE_NAME] = str(store.session_key)
    return http
