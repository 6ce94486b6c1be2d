import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.core.text import fold
from kartoteka.planner.models import Task, TaskAssignee


class TaskFactory(DjangoModelFactory):
    """A valid task as the services would store it; `assignees=[user, ...]` assigns it."""

    class Meta:
        model = Task
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    subject = factory.Sequence(lambda n: f"Zadanie {n}")
    body = ""
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=1))
    search_text = factory.LazyAttribute(lambda o: fold(f"{o.subject} {o.body}"))

    @factory.post_generation
    def assignees(self, create, extracted, **kwargs):
        if create and extracted:
            TaskAssignee.objects.bulk_create([TaskAssignee(task=self, user=user) for user in extracted])
