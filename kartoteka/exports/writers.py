"""One streaming writer per export format.

Each writer is opened on a binary file, gets the rows chunk by chunk (`write(rows)`) and is
closed once; none keeps more than the chunk it is given (XlsxWriter's constant_memory mode
keeps one row; the .ods writer streams content.xml into the zip as it goes). docs/decisions.md
says why each format is written the way it is.

Formula neutralisation (CSV, XLSX, ODS): a text cell that begins with `=`, `+`, `-`, `@`, a tab
or a carriage return gets a leading apostrophe, so a spreadsheet never runs it as a formula
(also after a user edits the cell or saves the sheet as CSV). Numbers and dates are typed cells
and are never touched. One exception in the typed formats: a phone column's value that is a
well-formed international number (`+` and digits only) stays as it is in .xlsx and .ods, where
it is a text cell and cannot compute anything; in CSV, which has no types and where Excel would
evaluate `+48…` as a number, it is neutralised like any other text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any, ClassVar

import xlsxwriter
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from markupsafe import escape

from kartoteka.exports import vcard
from kartoteka.exports.columns import DATE, NUMBER, TEXT, Column

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PHONE = re.compile(r"\+[0-9]{4,15}")
# XML 1.0 allows none of these; the clients app refuses them on input, old data may hold them.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SHEET_ROWS = 1_048_576  # rows per sheet in Excel and LibreOffice; the header takes one of them


def neutralise(value: str) -> str:
    """A text value a spreadsheet could run as a formula, made inert with a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_START) else value


def text_cell(value: Any, column: Column) -> str:
    """The typed formats' rule: neutralised, except a well-formed phone number in a phone column."""
    text = value if isinstance(value, str) else str(value)
    if column.phone and PHONE.fullmatch(text):
        return text
    return neutralise(text)


def date_text(value: dt.date) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(" ", "minutes")[:16]  # "2026-03-14 15:09", without an offset
    return value.isoformat()


class Writer:
    extension: ClassVar[str]
    content_type: ClassVar[str]

    def __init__(self, handle: IO[bytes], columns: Sequence[Column], *, title: str) -> None:
        self.handle = handle
        self.columns = list(columns)
        self.title = title
        self.rows = 0

    @classmethod
    def columns_for(cls, chosen: Sequence[Column]) -> list[Column]:
        """The columns this format writes (vCard has its own fixed set)."""
        return list(chosen)

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        raise NotImplementedError

    def write_cells(self, count: int, cells: Sequence[Sequence[Any]]) -> int:
        """A chunk given column by column (exports.rows.export_cells); by default written as rows."""
        return self.write(zip(*cells, strict=True))

    def close(self) -> None:
        raise NotImplementedError


# --- CSV ---------------------------------------------------------------------------------


class CsvWriter(Writer):
    """RFC 4180 CSV in UTF-8 with commas; the "Excel (PL)" variant adds a BOM and uses semicolons
    (Excel in a Polish locale splits on `;` and reads UTF-8 only when the BOM says so).

    A chunk is made text column by column (`write_cells`), with as little Python per cell as each
    column allows: numbers through str(), dates as text, text neutralised (csv_text); the csv
    module quotes and joins the rows into one string per chunk, encoded and written at once.
    """

    extension = "csv"
    content_type = "text/csv; charset=utf-8"
    delimiter = ","
    encoding = "utf-8"

    def __init__(self, handle: IO[bytes], columns: Sequence[Column], *, title: str) -> None:
        super().__init__(handle, columns, title=title)
        self.types = [c.type for c in self.columns]
        self.buffer = io.StringIO()
        self.csv = csv.writer(self.buffer, delimiter=self.delimiter, lineterminator="\r\n")
        if self.encoding == "utf-8-sig":
            self.buffer.write("\ufeff")
        self.csv.writerow([neutralise(str(c.label)) for c in self.columns])
        self._flush()

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        rows = list(rows)
        return self.write_cells(len(rows), list(zip(*rows, strict=True)) if rows else [() for _ in self.columns])

    def write_cells(self, count: int, cells: Sequence[Sequence[Any]]) -> int:
        if count:
            texts = [_CSV_CELLS[kind](column) for kind, column in zip(self.types, cells, strict=True)]
            self.csv.writerows(zip(*texts, strict=True))
            self._flush()
        self.rows += count
        return count

    def _flush(self) -> None:
        self.handle.write(self.buffer.getvalue().encode())
        self.buffer.seek(0)
        self.buffer.truncate()

    def close(self) -> None:
        self.handle.flush()


def _csv_numbers(values: Sequence[Any]) -> Sequence[str]:
    if None in values:
        return ["" if v is None else str(v) for v in values]
    return list(map(str, values))


def _csv_dates(values: Sequence[Any]) -> list[str]:
    try:
        return [v.isoformat(" ", "minutes")[:16] for v in values]  # date-and-times (no offset, as date_text)
    except (AttributeError, TypeError):  # dates, or empty cells
        return [date_text(v) if v else "" for v in values]


def csv_text(values: Sequence[Any]) -> Sequence[str]:
    """A column of text cells for CSV, every value a spreadsheet would run as a formula neutralised.

    Most chunks of a column hold no such value, which one search of the joined column tells
    without Python per cell; a column with one (phone numbers in "+48…", a company named "=…")
    is then gone through cell by cell.
    """
    try:
        joined = "\x00".join(values)
    except TypeError:  # not all text (None, a number): cell by cell
        return [_csv_cell(v) for v in values]
    if joined[:1] not in _FORMULA_CHARS and not _FORMULA_AFTER_JOIN.search(joined):
        return values
    start = FORMULA_START
    return ["'" + v if v.startswith(start) else v for v in values]


def _csv_cell(value: Any) -> str:
    if value is None or value == "":
        return ""
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


_FORMULA_CHARS = frozenset(FORMULA_START)
# A value begins after a joining NUL; a NUL inside a value (old data) may match too, which only
# sends the column the exact, cell by cell way.
_FORMULA_AFTER_JOIN = re.compile("\x00[=+\\-@\t\r]")
_CSV_CELLS = {NUMBER: _csv_numbers, DATE: _csv_dates, TEXT: csv_text}


class CsvExcelPlWriter(CsvWriter):
    delimiter = ";"
    encoding = "utf-8-sig"


# --- XLSX --------------------------------------------------------------------------------


class XlsxWriter(Writer):
    """XlsxWriter in constant_memory mode: each row goes to a temporary file as it is written.

    Cells are typed: numbers as numbers, dates as real dates with a date format, text (phones
    included) as text. Past SHEET_ROWS rows the next sheet begins, with the header again.
    """

    extension = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet_rows = SHEET_ROWS

    def __init__(self, handle: IO[bytes], columns: Sequence[Column], *, title: str) -> None:
        super().__init__(handle, columns, title=title)
        self.book = xlsxwriter.Workbook(
            handle,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "remove_timezone": True,
            },
        )
        self.bold = self.book.add_format({"bold": True})
        self.datetime_format = self.book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.date_format = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.sheets = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        self.sheets += 1
        name = self.title[:25] if self.sheets == 1 else f"{self.title[:25]} ({self.sheets})"
        self.sheet = self.book.add_worksheet(name)
        for index, column in enumerate(self.columns):
            width = 12 if column.type != "text" else 16 if not column.phone else 15
            if column.type == DATE:
                width = 17
            self.sheet.set_column(index, index, max(width, min(len(str(column.label)) + 2, 40)))
        self.sheet.freeze_panes(1, 0)
        for index, column in enumerate(self.columns):
            self.sheet.write_string(0, index, neutralise(str(column.label)), self.bold)
        self.row = 1

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        # XlsxWriter's public write_*() wrap every call in a decorator that accepts "A1" cell
        # names; its own write_row() calls the undecorated _write_*() we call here (XlsxWriter is
        # pinned; tests read every file back), which saves a third of the time per cell.
        columns = list(enumerate(self.columns))
        date_formats = (self.date_format, self.datetime_format)
        count = 0
        row = self.row
        sheet = self.sheet
        for values in rows:
            if row >= self.sheet_rows:
                self._new_sheet()
                row, sheet = self.row, self.sheet
            for (index, column), value in zip(columns, values, strict=True):
                if value is None or value == "":
                    continue
                kind = column.type
                if kind == NUMBER:
                    sheet._write_number(row, index, value, None)
                elif kind == DATE:
                    sheet._write_datetime(row, index, value, date_formats[isinstance(value, dt.datetime)])
                else:
                    sheet._write_string(row, index, text_cell(value, column), None)
            row += 1
            count += 1
        self.row = row
        self.rows += count
        return count

    def close(self) -> None:
        self.book.close()


# --- ODS ---------------------------------------------------------------------------------

_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
)
_ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
_MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="{_ODS_MIME}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""
_STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {_NS} office:version="1.2"><office:styles/></office:document-styles>
"""
_AUTOMATIC_STYLES = """<office:automatic-styles>
<number:date-style style:name="Ndt"><number:year number:style="long"/><number:text>-</number:text>\
<number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/>\
<number:text> </number:text><number:hours number:style="long"/><number:text>:</number:text>\
<number:minutes number:style="long"/></number:date-style>
<number:date-style style:name="Nd"><number:year number:style="long"/><number:text>-</number:text>\
<number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>
<style:style style:name="cdt" style:family="table-cell" style:data-style-name="Ndt"/>
<style:style style:name="cd" style:family="table-cell" style:data-style-name="Nd"/>
<style:style style:name="ch" style:family="table-cell"><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="co" style:family="table-column"><style:table-column-properties style:column-width="3.5cm"/>\
</style:style>
</office:automatic-styles>"""


def _xml(value: str) -> str:
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if XML_INVALID.search(value):
        value = XML_INVALID.sub("", value)
    return value


def _ods_text(value: str) -> str:
    """Text as paragraphs: one <text:p> per line, tabs and runs of spaces kept (<text:tab/>, <text:s/>)."""
    text = _xml(value)
    if "\t" in text:
        text = text.replace("\t", "<text:tab/>")
    if "  " in text:
        text = re.sub(r"  +", lambda m: f' <text:s text:c="{len(m.group()) - 1}"/>', text)
    if "\n" in text or "\r" in text:
        return "".join(f"<text:p>{line}</text:p>" for line in re.split(r"\r\n|\r|\n", text))
    return f"<text:p>{text}</text:p>"


class OdsWriter(Writer):
    """OpenDocument spreadsheet, streamed: the zip's `mimetype` first and stored, then content.xml
    written row by row through a deflating zip stream, then the manifest and styles.

    Cells are typed like the .xlsx ones (float, date with a date style, string).
    """

    extension = "ods"
    content_type = _ODS_MIME
    sheet_rows = SHEET_ROWS

    def __init__(self, handle: IO[bytes], columns: Sequence[Column], *, title: str) -> None:
        super().__init__(handle, columns, title=title)
        self.zip = zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self.zip.writestr(zipfile.ZipInfo("mimetype"), _ODS_MIME, compress_type=zipfile.ZIP_STORED)
        self.content = self.zip.open("content.xml", "w", force_zip64=True)
        self.buffer: list[str] = [
            f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS} office:version="1.2">',
            _AUTOMATIC_STYLES,
            "<office:body><office:spreadsheet>",
        ]
        header = "".join(
            f'<table:table-cell table:style-name="ch" office:value-type="string">{_ods_text(neutralise(str(c.label)))}'
            "</table:table-cell>"
            for c in self.columns
        )
        self.header = f"<table:table-row>{header}</table:table-row>"
        self.sheets = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        if self.sheets:
            self.buffer.append("</table:table>")
        self.sheets += 1
        name = self.title if self.sheets == 1 else f"{self.title} ({self.sheets})"
        self.buffer.append(
            f'<table:table table:name="{_xml(name)}"><table:table-column table:style-name="co" '
            f'table:number-columns-repeated="{len(self.columns)}"/>{self.header}'
        )
        self.row = 1

    def _flush(self) -> None:
        self.content.write("".join(self.buffer).encode())
        self.buffer = []

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        columns = self.columns
        buffer = self.buffer
        count = 0
        for values in rows:
            if self.row >= self.sheet_rows:
                self._new_sheet()
                buffer = self.buffer
            cells = ["<table:table-row>"]
            for column, value in zip(columns, values, strict=True):
                if value is None or value == "":
                    cells.append("<table:table-cell/>")
                elif column.type == NUMBER:
                    cells.append(
                        f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p>'
                        "</table:table-cell>"
                    )
                elif column.type == DATE:
                    is_datetime = isinstance(value, dt.datetime)
                    cells.append(
                        f'<table:table-cell table:style-name="{"cdt" if is_datetime else "cd"}" '
                        f'office:value-type="date" office:date-value="{value.isoformat()}">'
                        f"<text:p>{date_text(value)}</text:p></table:table-cell>"
                    )
                else:
                    cells.append(
                        f'<table:table-cell office:value-type="string">{_ods_text(text_cell(value, column))}'
                        "</table:table-cell>"
                    )
            cells.append("</table:table-row>")
            buffer.append("".join(cells))
            self.row += 1
            count += 1
            if not count % 1000:  # a thousand rows of XML at a time, not the whole chunk
                self._flush()
                buffer = self.buffer
        self._flush()
        self.rows += count
        return count

    def close(self) -> None:
        self.buffer.append("</table:table></office:spreadsheet></office:body></office:document-content>")
        self._flush()
        self.content.close()
        self.zip.writestr("styles.xml", _STYLES)
        self.zip.writestr("META-INF/manifest.xml", _MANIFEST)
        self.zip.close()


# --- vCard -------------------------------------------------------------------------------


VCARD_COLUMNS = [Column(name, name, DATE if name == "updated_at" else "text", fields=(name,)) for name in vcard.FIELDS]


class VcardWriter(Writer):
    """One .vcf with a card per client (vCard 3.0; VcardV4Writer writes 4.0)."""

    extension = "vcf"
    content_type = "text/vcard; charset=utf-8"
    version = "3.0"

    @classmethod
    def columns_for(cls, chosen: Sequence[Column]) -> list[Column]:
        return VCARD_COLUMNS

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        names = vcard.FIELDS
        out = [
            vcard.vcard(vcard.card_from_values(dict(zip(names, row, strict=True))), version=self.version)
            for row in rows
        ]
        self.handle.write("".join(out).encode())
        self.rows += len(out)
        return len(out)

    def close(self) -> None:
        self.handle.flush()


class VcardV4Writer(VcardWriter):
    version = "4.0"


# --- HTML --------------------------------------------------------------------------------


class HtmlWriter(Writer):
    """A standalone, styled, printable page with one table. The page around the rows comes from
    the template engine (exports/table.html, autoescaped); the rows are escaped with markupsafe
    as they stream."""

    extension = "html"
    content_type = "text/html; charset=utf-8"
    marker = "<!-- rows -->"

    def __init__(self, handle: IO[bytes], columns: Sequence[Column], *, title: str) -> None:
        super().__init__(handle, columns, title=title)
        page = render_to_string(
            "exports/table.html", {"title": title, "columns": self.columns, "generated": timezone.localtime()}
        )
        self.head, _marker, self.tail = page.partition(self.marker)
        self.handle.write(self.head.encode())

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        columns = self.columns
        out = []
        for values in rows:
            cells = []
            for column, value in zip(columns, values, strict=True):
                if value is None or value == "":
                    cells.append("<td></td>")
                elif column.type == NUMBER:
                    cells.append(f'<td class="n">{escape(value)}</td>')
                elif column.type == DATE:
                    cells.append(f"<td>{date_text(value)}</td>")
                else:
                    cells.append(f"<td>{escape(value)}</td>")
            out.append("<tr>" + "".join(cells) + "</tr>\n")
        self.handle.write("".join(out).encode())
        self.rows += len(out)
        return len(out)

    def close(self) -> None:
        self.handle.write(self.tail.encode())
        self.handle.flush()


# --- formats -----------------------------------------------------------------------------


FORMATS: dict[str, type[Writer]] = {
    "xlsx": XlsxWriter,
    "ods": OdsWriter,
    "csv": CsvWriter,
    "csv_excel_pl": CsvExcelPlWriter,
    "vcf": VcardWriter,
    "vcf4": VcardV4Writer,
    "html": HtmlWriter,
}


def format_choices() -> list[tuple[str, str]]:
    return [
        ("xlsx", _("Microsoft Excel (.xlsx)")),
        ("ods", _("OpenOffice / LibreOffice (.ods)")),
        ("csv", _("CSV (UTF-8, comma)")),
        ("csv_excel_pl", _("CSV for Excel (PL): UTF-8 with BOM, semicolon")),
        ("vcf", _("vCard 3.0 (.vcf)")),
        ("vcf4", _("vCard 4.0 (.vcf)")),
        ("html", _("HTML table (.html)")),
    ]
