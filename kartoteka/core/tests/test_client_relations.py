"""Every relation to Client declares what merge and anonymisation do to it (DESIGN.md)."""

from kartoteka.clients.models import Client
from kartoteka.core.relations import ClientRelation


def test_every_model_pointing_at_client_declares_merge_and_anonymise_policies():
    undeclared = [
        f"{rel.related_model._meta.label}.{rel.field.name}"
        for rel in Client._meta.related_objects
        if not isinstance(getattr(rel.related_model, "client_relation", None), ClientRelation)
        and not rel.related_model._meta.auto_created
    ]
    assert undeclared == []


def test_every_many_to_many_field_of_client_declares_its_policies():
    m2m = {field.name for field in Client._meta.many_to_many}
    assert m2m == set(Client.m2m_relations)


def test_declared_personal_fields_exist():
    for rel in Client._meta.related_objects:
        declaration = getattr(rel.related_model, "client_relation", None)
        if declaration:
            names = {f.name for f in rel.related_model._meta.get_fields()}
            assert set(declaration.personal_fields) <= names, rel.related_model
    assert set(Client.PERSONAL_FIELDS) <= {f.name for f in Client._meta.get_fields()}
