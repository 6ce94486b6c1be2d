import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.core.text import fold
from kartoteka.mailroom.models import MailItem


class MailItemFactory(DjangoModelFactory):
    """A received mail item as the services would store it."""

    class Meta:
        model = MailItem

    client = factory.SubFactory(ClientFactory)
    received_on = factory.LazyFunction(timezone.localdate)
    sender = factory.Sequence(lambda n: f"Urząd Skarbowy {n}")
    kind = MailItem.Kind.LETTER
    note = ""
    sort_sender = factory.LazyAttribute(lambda o: fold(o.sender))
    search_text = factory.LazyAttribute(lambda o: fold(f"{o.sender} {o.note}"))
