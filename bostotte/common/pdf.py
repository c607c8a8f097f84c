"""HTML to PDF with WeasyPrint: reports and data exports are the same Jinja templates as the
pages, rendered for print (the SVG charts included; no JavaScript needed)."""

from __future__ import annotations

import atexit
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from flask import current_app, render_template

STATIC_PREFIX = "file:///static/"
# DKFDS's and the app's styles, under every printed page (templates/macros/pdf.html adds
# the page set-up). Parsed once per process: reading them and unpacking DKFDS's WOFF2 fonts
# took 3–5 s of each PDF.
STYLESHEETS = ("vendor/dkfds/css/dkfds.min.css", "css/app.css")

_styles: dict[tuple[float, ...], tuple[Any, list[Any]]] = {}
# One font configuration serves the process's PDFs; WeasyPrint does not promise that two
# threads may share it, so a process prints one PDF at a time.
_printing = threading.Lock()
atexit.register(_styles.clear)  # before the interpreter's teardown, which it would outlive


def render_pdf(template: str, **context: Any) -> bytes:
    """Render `template` and print it to PDF under STYLESHEETS. `url_for('static', …)`
    links (the DKFDS fonts) are read from the static folder on disk; nothing else is
    fetched."""
    return _print(template, True, context)


def render_plain_pdf(template: str, **context: Any) -> bytes:
    """As render_pdf, with only the template's own styles (her data PDF)."""
    return _print(template, False, context)


def _print(template: str, house_styles: bool, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 (loading Pango takes a moment: only when asked)

    html = render_template(template, **context)
    static = Path(current_app.static_folder or "")
    fetcher = _fetcher(static)
    with _printing:
        font_config, stylesheets = _stylesheets(static, fetcher) if house_styles else (None, [])
        return HTML(  # type: ignore[no-any-return]
            string=html,
            base_url="file:///",  # so "/static/x" → file:///static/x
            url_fetcher=fetcher,
        ).write_pdf(stylesheets=stylesheets, font_config=font_config)


def _stylesheets(static: Path, fetcher: Any) -> tuple[Any, list[Any]]:
    """The parsed styles and the fonts they load, again only when a file changed."""
    from weasyprint import CSS  # noqa: PLC0415 (as above)
    from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415 (as above)

    files = [static / name for name in STYLESHEETS]
    key = tuple(f.stat().st_mtime for f in files)
    if key not in _styles:
        _styles.clear()
        font_config = FontConfiguration()
        _styles[key] = (
            font_config,
            [CSS(filename=str(f), url_fetcher=fetcher, font_config=font_config) for f in files],
        )
    return _styles[key]


def _fetcher(static: Path) -> Any:
    from weasyprint.urls import URLFetcher  # noqa: PLC0415 (as above)

    class StaticOnly(URLFetcher):  # type: ignore[misc]
        """Our static files and data: URIs only: a report never reads other files or the
        network."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            # "/static/x" from the templates, or a file the static folder's CSS points at
            # relative to its real place (the DKFDS fonts).
            path: Path | None = None
            if url.startswith(STATIC_PREFIX):
                path = static / url.removeprefix(STATIC_PREFIX).split("?")[0]
            elif url.startswith("file:"):
                path = Path(url2pathname(urlsplit(url).path))
            if path is not None and path.resolve().is_relative_to(static.resolve()):
                return super().fetch(path.resolve().as_uri(), headers)
            raise ValueError(f"not fetched for a PDF: {url}")

    return StaticOnly(allowed_protocols=("file", "data"))
