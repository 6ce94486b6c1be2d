"""Every relation to Client declares what merge and anonymisation do to it (DESIGN.md)."""

from django.db.models import Model

from kartoteka.clients.models import Client
from kartoteka.core.relations import ClientRelation


def _related_models() -> list[type[Model]]:
    return [rel.related_model for rel in Client._meta.related_objects if isinstance(rel.related_model, type)]


def test_every_model_pointing_at_client_declares_merge_and_anonymise_policies():
    undeclared = [
        model._meta.label
        for model in _related_models()
        if not isinstance(getattr(model, "client_relation", None), ClientRelation) and not model._meta.auto_created
    ]
    assert undeclared == []


def test_every_many_to_many_field_of_client_declares_its_policies():
    m2m = {field.name for field in Client._meta.many_to_many}
    assert m2m == set(Client.m2m_relations)


def test_declared_personal_fields_exist():
    for model in _related_models():
        declaration = getattr(model, "client_relation", None)
        if declaration:
            names = {f.name for f in model._meta.get_fields()}
            assert set(declaration.personal_fields) <= names, model
    assert set(Client.PERSONAL_FIELDS) <= {f.name for f in Client._meta.get_fields()}
