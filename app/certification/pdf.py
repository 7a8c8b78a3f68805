"""The certificate as a one-page PDF (reportlab), with a QR code (segno) to its verification page.

The QR code is drawn as vector squares, so it stays sharp at any print size. DejaVu fonts
(shipped in fonts/) carry every letter of names such as "Emre Yıldız" or "Łucja Wąs".
"""

from __future__ import annotations

import io
from pathlib import Path

import segno
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from app.certification.models import Certificate

FONTS = Path(__file__).resolve().parent / "fonts"
BRAND = HexColor("#0f5e6b")
BRAND_TINT = HexColor("#e3f1f1")
ACCENT = HexColor("#c9472d")
INK = HexColor("#17242f")
INK_SOFT = HexColor("#46576a")
LINE = HexColor("#c9d2d8")


def _register_fonts() -> None:
    if "HulpmixSans" in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont("HulpmixSans", str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("HulpmixSans-Bold", str(FONTS / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFont(TTFont("HulpmixSerif-Bold", str(FONTS / "DejaVuSerif-Bold.ttf")))


def _texts(cert: Certificate) -> dict[str, str]:
    counsellor = cert.certificate_type == "counsellor"
    if cert.founding:
        statement = (_("is registered as a founding online youth counsellor of Hulpmix, on the strength of their experience, and is qualified to help young people online by chat and e-mail.")
                     if counsellor else
                     _("is registered as a founding trainer of Hulpmix, on the strength of their experience, and is qualified to train, assess and certify online youth counsellors."))
    else:
        statement = (_("has successfully completed the Hulpmix training for online youth counsellors and is qualified to help young people online by chat and e-mail.")
                     if counsellor else
                     _("has successfully completed the Hulpmix train-the-trainer programme and is qualified to train, assess and certify online youth counsellors."))
    return {
        "certificate": _("Certificate"),
        "type": _("Online youth counsellor") if counsellor else _("Trainer of online youth counsellors"),
        "awarded": _("awarded to"),
        "statement": statement,
        "issued": _("Issued on"),
        "expires": _("Valid until"),
        "signed": _("Signed off by the trainer"),
        "founding": _("Registered as founding staff"),
        "issued_by": _("Issued by the coordinator"),
        "scan": _("Scan to check this certificate"),
        "code": _("Code"),
        "number": _("No. %(id)d", id=cert.id),
        "tagline": _("Online help for young people"),
        "title": _("Hulpmix certificate: %(name)s", name=cert.holder_name),
    }


def _draw_qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    """Dark modules as filled squares; runs in a row are merged into one rectangle."""
    qr = segno.make(url, error="m", micro=False)
    rows = [list(row) for row in qr.matrix_iter(scale=1, border=4)]
    module = size / len(rows)
    canvas.setFillColor(HexColor("#ffffff"))
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(HexColor("#000000"))
    for r, row in enumerate(rows):
        top = y + size - (r + 1) * module
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                canvas.rect(x + start * module, top, (c - start) * module, module, stroke=0, fill=1)
            else:
                c += 1


def _centred_paragraph(canvas: Canvas, text: str, centre_x: float, top: float, width: float,
                       font: str, size: float, leading: float) -> float:
    lines = simpleSplit(text, font, size, width)
    canvas.setFont(font, size)
    for index, line in enumerate(lines):
        canvas.drawCentredString(centre_x, top - index * leading, line)
    return top - len(lines) * leading


def certificate_pdf(cert: Certificate, language: str, verify_url: str) -> bytes:
    """One A4 landscape page in `language` ("nl" or "en")."""
    _register_fonts()
    with force_locale(language):
        texts = _texts(cert)
        issued = format_date(cert.issued_at, "long")
        expires = format_date(cert.expires_at, "long")
    buffer = io.BytesIO()
    width, height = landscape(A4)
    canvas = Canvas(buffer, pagesize=(width, height), pageCompression=1,
                    lang="nl-NL" if language == "nl" else "en-GB")
    canvas.setTitle(texts["title"])
    canvas.setAuthor(cert.institution_name or "Hulpmix")
    canvas.setSubject(texts["type"])
    canvas.setCreator("Hulpmix")

    # Frame: a teal band on the left, a fine border around the page.
    canvas.setFillColor(BRAND)
    canvas.rect(0, 0, 22, height, stroke=0, fill=1)
    canvas.setFillColor(ACCENT)
    canvas.rect(22, 0, 5, height, stroke=0, fill=1)
    canvas.setStrokeColor(LINE)
    canvas.setLineWidth(0.8)
    canvas.rect(44, 24, width - 68, height - 48, stroke=1, fill=0)

    left, right, centre = 70, width - 60, (width + 27) / 2
    # Header: the name of the service and the institution.
    canvas.setFillColor(BRAND)
    canvas.setFont("HulpmixSans-Bold", 22)
    canvas.drawString(left, height - 78, "Hulpmix")
    canvas.setFillColor(INK_SOFT)
    canvas.setFont("HulpmixSans", 10)
    canvas.drawString(left, height - 94, texts["tagline"])
    if cert.institution_name:
        canvas.setFont("HulpmixSans-Bold", 10.5)
        canvas.setFillColor(INK)
        canvas.drawRightString(right, height - 78, cert.institution_name)
    canvas.setFont("HulpmixSans", 9)
    canvas.setFillColor(INK_SOFT)
    canvas.drawRightString(right, height - 94, texts["number"])

    # The heart of it: what, for whom.
    canvas.setFillColor(BRAND)
    heading, spacing = texts["certificate"].upper(), 5
    heading_width = pdfmetrics.stringWidth(heading, "HulpmixSans-Bold", 13) + spacing * (len(heading) - 1)
    canvas.saveState()  # character spacing is part of the graphics state: keep it to the heading
    text = canvas.beginText(centre - heading_width / 2, height - 150)
    text.setFont("HulpmixSans-Bold", 13)
    text.setCharSpace(spacing)
    text.textOut(heading)
    canvas.drawText(text)
    canvas.restoreState()
    canvas.setFillColor(INK)
    canvas.setFont("HulpmixSerif-Bold", 25)
    canvas.drawCentredString(centre, height - 188, texts["type"])
    canvas.setFillColor(INK_SOFT)
    canvas.setFont("HulpmixSans", 12)
    canvas.drawCentredString(centre, height - 222, texts["awarded"])
    name_size = 34
    while name_size > 18 and pdfmetrics.stringWidth(cert.holder_name, "HulpmixSerif-Bold", name_size) > 560:
        name_size -= 1
    canvas.setFillColor(BRAND)
    canvas.setFont("HulpmixSerif-Bold", name_size)
    canvas.drawCentredString(centre, height - 268, cert.holder_name)
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(2)
    canvas.line(centre - 60, height - 284, centre + 60, height - 284)
    canvas.setFillColor(INK)
    _centred_paragraph(canvas, texts["statement"], centre, height - 312, 520, "HulpmixSans", 11.5, 16)

    # Facts and signatures along the bottom; the QR code on the right.
    qr_size = 118
    qr_x, qr_y = right - qr_size, 62
    columns = [
        (texts["issued"], issued),
        (texts["expires"], expires),
        (texts["founding"] if cert.founding else texts["signed"],
         "" if cert.founding else (cert.signoff.trainer_name if cert.signoff else "")),
        (texts["issued_by"], cert.issued_by_name),
    ]
    column_width = (qr_x - 24 - left) / 2
    for index, (label, value) in enumerate(columns):
        x = left + (index % 2) * column_width
        y = 150 - (index // 2) * 58
        canvas.setStrokeColor(LINE)
        canvas.setLineWidth(0.8)
        canvas.line(x, y + 16, x + column_width - 24, y + 16)
        canvas.setFillColor(INK_SOFT)
        canvas.setFont("HulpmixSans", 8.5)
        canvas.drawString(x, y + 2, label.upper())
        canvas.setFillColor(INK)
        canvas.setFont("HulpmixSans-Bold", 12)
        canvas.drawString(x, y - 14, value or "—")

    _draw_qr(canvas, verify_url, qr_x, qr_y, qr_size)
    canvas.setFillColor(INK_SOFT)
    canvas.setFont("HulpmixSans-Bold", 8.5)
    canvas.drawCentredString(qr_x + qr_size / 2, qr_y + qr_size + 8, texts["scan"])
    canvas.setFont("HulpmixSans", 7)
    canvas.drawCentredString(qr_x + qr_size / 2, qr_y - 10, f"{texts['code']}: {cert.code}")
    canvas.setFont("HulpmixSans", 7.5)
    canvas.drawString(left, 40, verify_url)
    canvas.linkURL(verify_url, (qr_x, qr_y, qr_x + qr_size, qr_y + qr_size), relative=0)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
