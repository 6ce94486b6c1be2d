"""Every relation to Client declares what delete, merge and anonymise do to it (DESIGN.md).

The tests walk `client_relations()`, the same function deletion walks, so a relation the test
sees is a relation deletion obeys.
"""

from django.db.models import Model

from kartoteka.clients.models import Client
from kartoteka.core.relations import ClientRelation, OnAnonymise, OnDelete, OnMerge, client_relations


def _related_models() -> list[type[Model]]:
    return [rel.related_model for rel in Client._meta.related_objects if isinstance(rel.related_model, type)]


def test_every_relation_to_client_declares_all_three_policies():
    incomplete = [
        (relation.model._meta.label, relation.field)
        for relation in client_relations()
        if not isinstance(relation.declaration, ClientRelation)
        or not isinstance(relation.declaration.on_delete, OnDelete)
        or not isinstance(relation.declaration.on_merge, OnMerge)
        or not isinstance(relation.declaration.on_anonymise, OnAnonymise)
    ]
    assert incomplete == []


def test_the_walk_finds_every_model_pointing_at_client_and_every_many_to_many_field():
    walked = {relation.model for relation in client_relations()}
    pointing = {model for model in _related_models() if not model._meta.auto_created}
    through = {field.remote_field.through for field in Client._meta.many_to_many}
    assert pointing | through <= walked
    assert {field.name for field in Client._meta.many_to_many} == set(Client.m2m_relations)


def test_the_audit_log_outlives_deletion_and_merge():
    audit = [r for r in client_relations() if r.model._meta.app_label == "audit"]
    assert audit
    for relation in audit:
        assert relation.declaration is not None
        assert relation.declaration.on_delete == OnDelete.LEAVE
        assert relation.declaration.on_merge == OnMerge.KEEP  # re-pointing history would falsify it


def test_declared_personal_fields_exist():
    for relation in client_relations():
        if relation.declaration:
            names = {f.name for f in relation.model._meta.get_fields()}
            assert set(relation.declaration.personal_fields) <= names, relation.model
    assert set(Client.PERSONAL_FIELDS) <= {f.name for f in Client._meta.get_fields()}
