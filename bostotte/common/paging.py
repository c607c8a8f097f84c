"""Pages of a long list in the web pages (`?side=N`): which page was asked for and which
page numbers to link. (The API pages by cursor: bostotte/api/paging.py.)"""

from __future__ import annotations

MAX_PAGE = 10**6  # a page number beyond any list: its last page, never an OFFSET overflow


def page_number(raw: str | None) -> int:
    """The page asked for in the URL; anything but a number is the first, a number beyond
    the list its last (the caller clamps to the pages there are)."""
    raw = (raw or "").strip()
    if not raw.isdigit():
        return 1
    return MAX_PAGE if len(raw) > 6 else max(int(raw), 1)


def page_links(page: int, pages: int) -> list[int | None]:
    """The page numbers to link: the first, the last and those next to this one; None
    where numbers are left out."""
    shown = sorted({1, pages, *range(page - 1, page + 2)} & set(range(1, pages + 1)))
    out: list[int | None] = []
    for n in shown:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out
