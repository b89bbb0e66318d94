"""A tiny PDF writer for demo leaflets: real, valid PDF files generated in code, no binary fixtures.

Only what a one-page text leaflet needs: a title and paragraphs in Helvetica (WinAnsi encoding, so
Western European languages render; other scripts belong in uploaded files, not here).
"""

from __future__ import annotations

import textwrap


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def simple_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A one-page A4 PDF with a title and wrapped paragraphs."""
    lines: list[tuple[int, str]] = [(18, title), (11, "")]
    for paragraph in paragraphs:
        lines += [(11, line) for line in textwrap.wrap(paragraph, 88)] + [(11, "")]
    content = [b"BT", b"56 780 Td"]
    for size, text in lines[:60]:
        font = b"/F2" if size == 18 else b"/F1"
        content.append(font + b" %d Tf" % size)
        content.append(b"(" + _escape(text) + b") Tj")
        content.append(b"0 -%d Td" % (size + 6))
    content.append(b"ET")
    stream = b"\n".join(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
