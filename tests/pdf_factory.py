"""Builds real PDFs for tests and benchmarks (fpdf2), so no binary fixtures live in the repo."""
from io import BytesIO

from fpdf import FPDF


def text_pdf(paragraphs: list[str], pages: int = 1) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for page in range(pages):
        pdf.add_page()
        for paragraph in paragraphs:
            pdf.multi_cell(0, 6, paragraph)
            pdf.ln(3)
    return bytes(pdf.output())


def encrypted_pdf(paragraph: str) -> bytes:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, paragraph)
    return bytes(pdf.output())


def image_only_pdf() -> bytes:
    """A 'scanned' page: a picture and no text layer."""
    import numpy as np
    from PIL import Image

    pixels = (np.random.default_rng(0).random((200, 300)) * 255).astype("uint8")
    buffer = BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    buffer.seek(0)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(buffer, x=10, y=10, w=150)
    return bytes(pdf.output())
