"""The certificate as PDF: one page, the name, the dates, and a QR code that opens the
verification page (decoded from the rendered page, as a phone camera would)."""

from __future__ import annotations

import io

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from app.extensions import db


@pytest.fixture
def certificate(make_user, founding):
    holder = make_user("supervisor")
    holder.full_name = "Emre Yıldız-Łucja"
    db.session.commit()
    return founding(holder)


def _decode_qr(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    image = document[0].render(scale=3).to_pil()
    document.close()
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize(("lang", "words"), [
    ("nl", ["CERTIFICAAT", "Online jongerencounselor", "uitgereikt aan", "GELDIG TOT"]),
    ("en", ["CERTIFICATE", "Online youth counsellor", "awarded to", "VALID UNTIL"]),
])
def test_the_pdf_has_the_name_and_a_qr_code_to_the_verification_page(client, certificate, lang, words):
    from tests.conftest import sign_in_session

    sign_in_session(client, certificate.holder)
    response = client.get(f"/certification/certificates/{certificate.id}/certificate.pdf?lang={lang}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.get_data()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Emre Yıldız-Łucja" in text
    for word in words:
        assert word in text
    assert "Bureau Jeugdzorg Zuid-Holland" in text and certificate.code in text
    assert _decode_qr(pdf) == [f"http://hulpmix.test/verify/{certificate.code}"]


def test_a_coordinator_of_the_institution_may_download_it(client, certificate, coordinator):
    from tests.conftest import sign_in_session

    sign_in_session(client, coordinator)
    response = client.get(f"/certification/certificates/{certificate.id}/certificate.pdf")
    assert response.status_code == 200
    assert "hulpmix-certificaat" in response.headers["Content-Disposition"]
