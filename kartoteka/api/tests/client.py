"""A test HTTP client that calls the API as an integration does: with a Bearer token."""

from django.test import Client as HttpClient

from kartoteka.accounts.services import api_token_create


def token_client(user, language="en"):
    token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}", "Accept-Language": language})
