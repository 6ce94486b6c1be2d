"""Attribute columns in exports (one per attribute, set-based) and the demo data."""

import csv
import io
import random

import pytest

from kartoteka.attributes.models import Attribute, AttributeValue
from kartoteka.attributes.tests.factories import make_attribute
from kartoteka.clients import services
from kartoteka.clients.tests.factories import ClientFactory
from kartoteka.exports.columns import columns_for
from kartoteka.exports.tests.helpers import export, file_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_files(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.KARTOTEKA_JOB_FILES_DIR = tmp_path


def test_each_attribute_is_an_export_column_as_soon_as_it_exists(manager, administrator):
    assert not [c for c in columns_for(manager) if c.key.startswith("attr.")]
    make_attribute(administrator, "segment", "choice", options=("Handel",), name="Segment")
    assert [(c.key, str(c.label)) for c in columns_for(manager) if c.key.startswith("attr.")] == [
        ("attr.segment", "Segment")
    ]


def test_an_export_carries_the_attribute_values(manager, administrator):
    make_attribute(administrator, "channels", "multi", options=("E-mail", "Poczta"), name="Channels")
    make_attribute(administrator, "employees", "number", name="Employees")
    make_attribute(administrator, "since", "date", name="Since")
    make_attribute(administrator, "vip", "bool", name="VIP")
    full = services.client_create(
        actor=administrator,
        data={"first_name": "Anna", "email": "anna@example.pl"},
        attributes={"channels": ["Poczta", "E-mail"], "employees": "12,5", "since": "2021-05-04", "vip": False},
    )
    empty = ClientFactory()
    job = export(
        manager,
        [full, empty],
        format="csv",
        columns=["id", "attr.channels", "attr.employees", "attr.since", "attr.vip"],
    )
    rows = list(csv.reader(io.StringIO(file_of(job).read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["ID", "Channels", "Employees", "Since", "VIP"]
    by_id = {int(r[0]): r[1:] for r in rows[1:]}
    assert by_id[full.pk] == ["E-mail, Poczta", "12.5", "2021-05-04", "no"]
    assert by_id[empty.pk] == ["", "", "", ""]


def test_the_demo_defines_attributes_and_fills_most_demo_clients():
    from kartoteka.attributes.demo import seed

    ids = [ClientFactory().pk for _n in range(20)]
    line = seed(rng=random.Random(1), client_ids=ids)  # noqa: S311
    assert Attribute.objects.count() == 4
    assert AttributeValue.objects.filter(client_id__in=ids).values("client_id").distinct().count() >= 15
    assert line.startswith("Attributes: 4 defined")
    seed(rng=random.Random(1), client_ids=ids)  # noqa: S311  # a second run adds no duplicate attribute or row
    assert Attribute.objects.count() == 4
