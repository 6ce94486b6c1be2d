import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from kartoteka.cases.models import Case
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.core.text import fold


class CaseFactory(DjangoModelFactory):
    """A valid case as the services would store it."""

    class Meta:
        model = Case

    client = factory.SubFactory(ClientFactory)
    title = factory.Sequence(lambda n: f"Sprawa {n}")
    description = ""
    opened_at = factory.LazyFunction(timezone.now)
    sort_title = factory.LazyAttribute(lambda o: fold(o.title))
    search_text = factory.LazyAttribute(lambda o: fold(f"{o.title} {o.description}"))
