"""LibreOffice itself opens an exported .xlsx and .ods: converted to CSV headless, the values match.

Skipped where `soffice` is missing (a developer's machine without LibreOffice); in CI (CI=true),
which installs libreoffice-calc-nogui, a missing `soffice` fails instead of hiding the check.
"""

import csv
import io
import os
import shutil
import subprocess

import pytest

from kartoteka.exports.tests.conftest import FORMULA, POLISH
from kartoteka.exports.tests.helpers import export, file_of

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
UTF8_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1"  # comma, double quote, UTF-8, from line 1


@pytest.fixture
def soffice():
    if SOFFICE is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have LibreOffice (libreoffice-calc-nogui): `soffice` is missing")
        pytest.skip("LibreOffice (soffice) is not installed here")
    return SOFFICE


def _convert(soffice, source, tmp_path, extension):
    document = tmp_path / f"export.{extension}"
    document.write_bytes(source.read_bytes())
    subprocess.run(  # noqa: S603 -- a fixed program with our own arguments
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            UTF8_CSV,
            "--outdir",
            str(tmp_path / "out"),
            str(document),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return list(csv.reader(io.StringIO((tmp_path / "out" / "export.csv").read_text(encoding="utf-8"))))


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_libreoffice_reads_the_same_values(soffice, manager, tricky_clients, tmp_path, fmt):
    polish, company, minus = tricky_clients
    job = export(manager, tricky_clients, format=fmt, columns=["id", "name", "company", "phone", "groups", "created"])
    rows = _convert(soffice, file_of(job), tmp_path, fmt)
    assert rows[0] == ["ID", "Name", "Company", "Phone", "Groups", "Created"]
    by_id = {int(r[0]): r for r in rows[1:]}
    assert by_id[polish.pk][1] == f"Łucja {POLISH}"
    assert by_id[polish.pk][3] == "+48600123456"
    assert by_id[polish.pk][4] == "Północ, VIP"
    assert by_id[polish.pk][5] == "2026-03-14 15:09"
    assert by_id[company.pk][2] == "'" + FORMULA  # shown as text, never run
    assert by_id[minus.pk][1] == "'-2+3 @SUM(1)"
