"""HTML to PDF with WeasyPrint: reports and data exports are the same Jinja templates as the
pages, rendered for print (the SVG charts included; no JavaScript needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from flask import current_app, render_template

STATIC_PREFIX = "file:///static/"


def render_pdf(template: str, **context: Any) -> bytes:
    """Render `template` and print it to PDF. `url_for('static', …)` links (app.css, the
    DKFDS fonts) are read from the static folder on disk; nothing else is fetched."""
    from weasyprint import HTML  # noqa: PLC0415 (loading Pango takes a moment: only when asked)

    html = render_template(template, **context)
    static = Path(current_app.static_folder or "")
    return HTML(
        string=html,
        base_url="file:///",  # so "/static/x" → file:///static/x
        url_fetcher=_fetcher(static),
    ).write_pdf()  # type: ignore[no-any-return]


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
