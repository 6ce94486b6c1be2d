"""Real files for the scan tests: made here, small, valid (or deliberately not)."""

import io

from PIL import Image


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 200, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200  # a Linux executable's start
MZ = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200  # a Windows executable's start
FAKE_PDF = b"%PDF-1.7\n" + b"\x7fELF not really a pdf" * 10 + b"\n%%EOF\n"  # the magic bytes only
