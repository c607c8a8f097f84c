"""The PDF fetcher (common.pdf): our static files (CSS, the DKFDS font), nothing else."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

from bostotte.charts.svg import FONT, text
from bostotte.common.pdf import _fetcher


def _fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def test_a_report_is_printed_in_the_dkfds_font_with_its_svg_labels(app):
    with app.test_request_context():
        template = app.jinja_env.from_string(
            '<html><head><link rel="stylesheet" href="{{ url_for("static", '
            'filename="vendor/dkfds/css/dkfds.min.css") }}"><link rel="stylesheet" '
            'href="{{ url_for("static", filename="css/app.css") }}"></head><body>'
            '<h1>Status til socialudvalget</h1><svg width="200" height="40" '
            'font-family="{{ font }}">{{ label }}</svg>'
            "</body></html>"
        )

        html = template.render(label=text(5, 20, "Sundhed: 90 %", 12, halo=True), font=FONT)
        from weasyprint import HTML  # noqa: PLC0415 (Pango loads only in this test)

        pdf = HTML(
            string=html, base_url="file:///", url_fetcher=_fetcher(Path(app.static_folder))
        ).write_pdf()
    fonts = _fonts(pdf)  # all text in IBM Plex Sans: no fallback to a serif default
    assert fonts and all(name.startswith("IBM-Plex-Sans") for name in fonts), fonts
    # The halo sits under the label: the label's own text is in the PDF (once visible,
    # once as the white halo beneath it).
    extracted = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Status til socialudvalget" in extracted and "Sundhed: 90 %" in extracted


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "file:///static/../../etc/passwd", "http://example.com/x.png"]
)
def test_nothing_outside_the_static_folder_is_read(app, url):
    fetcher = _fetcher(Path(app.static_folder))
    with pytest.raises(ValueError, match="not fetched for a PDF"):
        fetcher.fetch(url)
    inside = fetcher.fetch(f"file://{Path(app.static_folder).resolve()}/css/app.css")
    assert inside is not None
