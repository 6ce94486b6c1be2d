import factory
from factory.django import DjangoModelFactory

from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.contacts.models import ContactPerson


class ContactPersonFactory(DjangoModelFactory):
    """A stored contact person. Note: it does not refresh the client's search_text (the services do)."""

    class Meta:
        model = ContactPerson

    client = factory.SubFactory(ClientFactory)
    first_name = "Jan"
    last_name = "Kowalski"
    email = factory.Sequence(lambda n: f"osoba{n}@example.pl")
    is_contact_person = True
