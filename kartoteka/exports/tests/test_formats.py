"""Every format, read back with a real parser: Polish letters survive, formulas are neutralised,
dates are dates and phones text in spreadsheets, HTML is escaped, vCards parse and fold."""

import csv
import datetime as dt
import io
import zipfile
from html.parser import HTMLParser

import openpyxl
import pytest
import vobject
from odf import opendocument
from odf.namespaces import OFFICENS
from odf.table import Table, TableCell, TableRow

from kartoteka.exports.tests.conftest import FORMULA, POLISH
from kartoteka.exports.tests.helpers import export, file_of

COLUMNS = ["id", "name", "company", "phone", "address", "groups", "labels", "created"]


def test_csv_keeps_polish_letters_and_neutralises_formulas(manager, tricky_clients):
    polish, company, minus = tricky_clients
    job = export(manager, tricky_clients, format="csv", columns=COLUMNS)
    data = file_of(job).read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")  # plain UTF-8: no BOM
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows[0] == ["ID", "Name", "Company", "Phone", "Address", "Groups", "Labels", "Created"]
    by_id = {int(r[0]): r for r in rows[1:]}
    assert by_id[polish.pk][1] == f"Łucja {POLISH}"
    assert by_id[polish.pk][4] == "ul. Źródlana 7; lok. 3, piętro 2, 00-950 Łódź"
    assert by_id[polish.pk][5] == "Północ, VIP"
    assert by_id[polish.pk][6] == "Ważny"
    assert by_id[polish.pk][7] == "2026-03-14 15:09"
    assert by_id[company.pk][2] == "'" + FORMULA
    assert by_id[minus.pk][1] == "'-2+3 @SUM(1)"
    assert by_id[polish.pk][3] == "'+48600123456"  # CSV has no types: Excel would run "+48…"


def test_csv_for_polish_excel_has_a_bom_and_semicolons(manager, tricky_clients):
    job = export(manager, tricky_clients, format="csv_excel_pl", columns=["name", "address"])
    data = file_of(job).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Name", "Address"]
    assert [f"Łucja {POLISH}", "ul. Źródlana 7; lok. 3, piętro 2, 00-950 Łódź"] in rows
    assert job.file_name.endswith(".csv")


def test_xlsx_has_typed_cells_and_neutralised_text(manager, tricky_clients):
    polish, company, minus = tricky_clients
    job = export(manager, tricky_clients, format="xlsx", columns=COLUMNS)
    book = openpyxl.load_workbook(io.BytesIO(file_of(job).read_bytes()), read_only=True)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("ID", "Name", "Company", "Phone", "Address", "Groups", "Labels", "Created")
    by_id = {r[0]: r for r in rows[1:]}
    assert isinstance(rows[1][0], int)
    assert by_id[polish.pk][1] == f"Łucja {POLISH}"
    assert by_id[polish.pk][3] == "+48600123456"  # a text cell, kept readable
    assert by_id[polish.pk][7] == dt.datetime(2026, 3, 14, 15, 9)  # noqa: DTZ001 -- a real (naive, local) date
    assert by_id[company.pk][2] == "'" + FORMULA
    assert by_id[minus.pk][1] == "'-2+3 @SUM(1)"
    assert by_id[minus.pk][3] == "+441234567890"
    # No cell holds a formula: the raw sheet XML has no <f> element.
    with zipfile.ZipFile(file_of(job)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
    cell = openpyxl.load_workbook(io.BytesIO(file_of(job).read_bytes())).worksheets[0]["H2"]
    assert cell.is_date
    assert cell.number_format == "yyyy-mm-dd hh:mm"


def test_xlsx_continues_on_a_next_sheet_past_the_row_limit(manager, tricky_clients, monkeypatch):
    from kartoteka.exports.writers import XlsxWriter

    monkeypatch.setattr(XlsxWriter, "sheet_rows", 3)  # 1 header + 2 rows per sheet
    job = export(manager, tricky_clients, format="xlsx", columns=["id", "name"])
    book = openpyxl.load_workbook(io.BytesIO(file_of(job).read_bytes()), read_only=True)
    assert len(book.worksheets) == 2
    first, second = (list(s.iter_rows(values_only=True)) for s in book.worksheets)
    assert first[0] == second[0] == ("ID", "Name")
    assert len(first) == 3
    assert len(second) == 2
    assert sorted(r[0] for r in first[1:] + second[1:]) == sorted(c.pk for c in tricky_clients)


def _ods_rows(path):
    """The sheets' rows as lists of (value type, value or text), read by odfpy."""
    document = opendocument.load(str(path))
    sheets = []
    for table in document.spreadsheet.getElementsByType(Table):
        rows = []
        for row in table.getElementsByType(TableRow):
            cells = []
            for cell in row.getElementsByType(TableCell):
                kind = cell.attributes.get((OFFICENS, "value-type"))
                if kind == "float":
                    cells.append(("float", cell.attributes[(OFFICENS, "value")]))
                elif kind == "date":
                    cells.append(("date", cell.attributes[(OFFICENS, "date-value")]))
                else:
                    cells.append((kind, str(cell)))
            rows.append(cells)
        sheets.append(rows)
    return sheets


def test_ods_is_a_valid_document_with_typed_cells(manager, tricky_clients):
    polish, company, minus = tricky_clients
    job = export(manager, tricky_clients, format="ods", columns=COLUMNS)
    path = file_of(job)
    with zipfile.ZipFile(path) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype"
        assert first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    [rows] = _ods_rows(path)
    assert [v for _, v in rows[0]] == ["ID", "Name", "Company", "Phone", "Address", "Groups", "Labels", "Created"]
    by_id = {int(r[0][1]): r for r in rows[1:]}
    assert by_id[polish.pk][1] == ("string", f"Łucja {POLISH}")
    assert by_id[polish.pk][3] == ("string", "+48600123456")
    assert by_id[polish.pk][7] == ("date", "2026-03-14T15:09:00")
    assert by_id[company.pk][2] == ("string", "'" + FORMULA)
    assert by_id[minus.pk][1] == ("string", "'-2+3 @SUM(1)")


def test_ods_continues_on_a_next_sheet_past_the_row_limit(manager, tricky_clients, monkeypatch):
    from kartoteka.exports.writers import OdsWriter

    monkeypatch.setattr(OdsWriter, "sheet_rows", 3)
    job = export(manager, tricky_clients, format="ods", columns=["id"])
    sheets = _ods_rows(file_of(job))
    assert [len(s) for s in sheets] == [3, 2]


def test_vcard_3_parses_with_escaping_org_and_polish_letters(manager, tricky_clients):
    _polish, _company, _ = tricky_clients
    job = export(manager, tricky_clients, format="vcf")
    text = file_of(job).read_bytes().decode("utf-8")
    assert "\r\n" in text
    assert "\n" not in text.replace("\r\n", "")
    cards = list(vobject.readComponents(text))
    assert len(cards) == 3
    by_email = {c.email.value: c for c in cards}
    lucja = by_email["lucja@example.pl"]
    assert lucja.version.value == "3.0"
    assert lucja.fn.value == f"Łucja {POLISH}"
    assert lucja.n.value.family == POLISH
    assert lucja.n.value.given == "Łucja"
    assert lucja.adr.value.street == "ul. Źródlana 7; lok. 3, piętro 2"
    assert lucja.adr.value.city == "Łódź"
    assert lucja.adr.value.code == "00-950"
    assert lucja.tel.value == "+48600123456"
    assert not hasattr(lucja, "org")
    firm = by_email["biuro@example.pl"]
    assert firm.fn.value == FORMULA  # a company known only by its name is named after it
    assert firm.org.value == [FORMULA]
    assert "ORG:" + FORMULA.replace(",", "\\,") in text.replace("\r\n ", "")


def test_vcard_4_on_request(manager, tricky_clients):
    job = export(manager, tricky_clients, format="vcf4")
    text = file_of(job).read_bytes().decode("utf-8")
    cards = list(vobject.readComponents(text))
    assert {c.version.value for c in cards} == {"4.0"}
    firm = next(c for c in cards if c.email.value == "biuro@example.pl")
    assert firm.kind.value == "org"
    assert "TEL;VALUE=uri;TYPE=voice:tel:+48600123456\r\n" in text


class _Table(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.cell, self.tags = [], None, []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.rows[-1].append(self.cell)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def test_html_is_a_standalone_escaped_table(manager, tricky_clients):
    polish, *_ = tricky_clients
    polish.first_name = "<script>alert(1)</script>"
    polish.save(update_fields=["first_name"])
    job = export(manager, tricky_clients, format="html", columns=["id", "name", "company", "created"])
    page = file_of(job).read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<style>" in page
    assert "@media print" in page
    parser = _Table()
    parser.feed(page)
    assert "script" not in parser.tags  # the name is text, not a tag
    assert parser.rows[0] == ["ID", "Name", "Company", "Created"]
    by_id = {int(r[0]): r for r in parser.rows[1:]}
    assert by_id[polish.pk][1] == f"<script>alert(1)</script> {POLISH}"
    assert by_id[polish.pk][3] == "2026-03-14 15:09"
    assert FORMULA in {r[2] for r in parser.rows[1:]}  # HTML runs no formulas: shown as typed


def test_writer_output_follows_the_chosen_column_order(manager, tricky_clients):
    job = export(manager, tricky_clients[:1], format="csv", columns=["email", "id", "email"])
    rows = list(csv.reader(io.StringIO(file_of(job).read_text(encoding="utf-8"))))
    assert rows == [["E-mail", "ID"], ["lucja@example.pl", str(tricky_clients[0].pk)]]


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv", "csv_excel_pl", "vcf", "vcf4", "html"])
def test_every_format_reads_groups_and_labels_without_a_query_per_client(manager, fmt, django_assert_max_num_queries):
    from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory, LabelFactory

    groups = ClientGroupFactory.create_batch(2)
    labels = LabelFactory.create_batch(2)
    few = ClientFactory.create_batch(3, groups=groups, labels=labels)
    with django_assert_max_num_queries(60) as few_queries:
        export(manager, few, format=fmt)
    many = ClientFactory.create_batch(300, groups=groups, labels=labels)
    with django_assert_max_num_queries(len(few_queries.captured_queries)):
        job = export(manager, many, format=fmt)
    assert job.result["changed"] == 300
