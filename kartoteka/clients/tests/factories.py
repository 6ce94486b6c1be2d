import factory
from factory.django import DjangoModelFactory

from kartoteka.clients import fields
from kartoteka.clients.models import Client, ClientGroup, Label, Note
from kartoteka.clients.search import search_text_for, sort_name_for


class ClientFactory(DjangoModelFactory):
    """A valid, normalised client as the services would store it."""

    class Meta:
        model = Client
        skip_postgeneration_save = True

    first_name = factory.Sequence(lambda n: f"Jan{n}")
    last_name = "Kowalski"
    email = factory.Sequence(lambda n: f"jan{n}@example.pl")
    city = "Warszawa"
    search_text = factory.LazyAttribute(
        lambda o: search_text_for({name: getattr(o, name, "") for name in fields.SEARCHABLE})
    )
    sort_name = factory.LazyAttribute(lambda o: sort_name_for({"last_name": o.last_name, "first_name": o.first_name}))

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(extracted)

    @factory.post_generation
    def labels(self, create, extracted, **kwargs):
        if create and extracted:
            self.labels.set(extracted)


class ClientGroupFactory(DjangoModelFactory):
    class Meta:
        model = ClientGroup

    name = factory.Sequence(lambda n: f"Grupa {n}")
    color = "#0d6efd"


class LabelFactory(DjangoModelFactory):
    class Meta:
        model = Label

    name = factory.Sequence(lambda n: f"Etykieta {n}")
    color = "#198754"


class NoteFactory(DjangoModelFactory):
    class Meta:
        model = Note

    client = factory.SubFactory(ClientFactory)
    text = "Zadzwonić w poniedziałek."
