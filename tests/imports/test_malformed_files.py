"""Issue 24: import files that gave tracebacks (Latin-1, UTF-16, binary, NUL bytes, a field
over the csv module's 131,072 characters, a folder named teams.csv) and a hypothesis run of
broken files: each gets a Danish `file:line: reason`, exit code 1, and nothing is written."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.imports.test_complete import _count, _export, _fill, _import
from tests.imports.test_complete import databases as databases  # the fixture
from tests.imports.test_import import CITIZENS, GOALS, SCORINGS, TEAMS, counts, run, write

FILE_EXAMPLES = 36
GOOD = {"teams": TEAMS, "citizens": CITIZENS, "goals": GOALS, "scorings": SCORINGS}


def _refused(app, session, folder: Path, expected: str) -> None:  # type: ignore[no-untyped-def]
    before = counts(session)
    r = run(app, "import", str(folder))
    assert r.exit_code == 1, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert expected in r.output, r.output
    assert "Intet er importeret" in r.output
    assert counts(session) == before


def _with(tmp_path: Path, name: str, content: bytes) -> Path:
    folder = write(tmp_path / "in", **GOOD)
    (folder / name).write_bytes(content)
    return folder


def test_latin1_file_names_file_and_line(app, session, tmp_path):
    content = CITIZENS.replace("Mette Holm", "Søren Ærø").encode("latin-1")
    folder = _with(tmp_path, "citizens.csv", content)
    _refused(app, session, folder, "citizens.csv:2: linjen er ikke UTF-8")


def test_utf16_file_is_named(app, session, tmp_path):
    folder = _with(tmp_path, "teams.csv", TEAMS.encode("utf-16"))
    _refused(app, session, folder, "teams.csv:1: filen er gemt som UTF-16")


def test_binary_file_is_refused(app, session, tmp_path):
    folder = _with(tmp_path, "goals.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    _refused(app, session, folder, "goals.csv:")


def test_nul_byte_in_import_names_the_line(app, session, tmp_path):
    content = GOALS.replace("Jeg vil handle selv", "Jeg vil\x00 handle selv").encode()
    folder = _with(tmp_path, "goals.csv", content)
    _refused(app, session, folder, "goals.csv:2: linjen har et nul-tegn (NUL)")


def test_field_over_the_csv_limit_names_the_line(app, session, tmp_path):
    content = CITIZENS.replace("Mette Holm", "M" * 131_073).encode()
    folder = _with(tmp_path, "citizens.csv", content)
    _refused(app, session, folder, "citizens.csv:2: et felt er længere end 131.072 tegn")


def test_field_over_the_limit_in_scorings(app, session, tmp_path):
    content = (SCORINGS + "C1,,ORS,,2025-02-10,individuelt," + "9" * 131_073 + "\n").encode()
    folder = _with(tmp_path, "scorings.csv", content)
    _refused(app, session, folder, "scorings.csv:8: et felt er længere end 131.072 tegn")


def test_field_over_the_limit_in_a_header(app, session, tmp_path):
    folder = _with(tmp_path, "teams.csv", ("x" * 131_073 + ",name\n").encode())
    _refused(app, session, folder, "teams.csv:1: et felt er længere end")


def test_folder_named_like_a_file(app, session, tmp_path):
    folder = write(tmp_path / "in", citizens=CITIZENS)
    (folder / "teams.csv").mkdir()
    _refused(app, session, folder, "teams.csv:0: er ikke en fil")


def test_empty_file_and_missing_header(app, session, tmp_path):
    folder = _with(tmp_path, "teams.csv", b"")
    _refused(app, session, folder, "teams.csv:1: mangler kolonnen")
    folder = _with(tmp_path, "goals.csv", GOALS.split("\n", 1)[1].encode())
    _refused(app, session, folder, "goals.csv:1: mangler kolonnen")


def test_unclosed_quote_is_a_row_error(app, session, tmp_path):
    folder = _with(tmp_path, "teams.csv", b'external_id,name\nT1,"Team \n')
    r = run(app, "import", str(folder))
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert counts(session) in ((0, 0, 0), (2, 2, 3))


# --- hypothesis: broken files ------------------------------------------------------------

NAMES = ["teams.csv", "citizens.csv", "goals.csv", "scorings.csv"]
BREAKS = ["latin-1", "utf-16", "binary", "nul", "huge", "directory", "empty", "no header"]


def _broken(name: str, how: str, position: float, junk: bytes) -> bytes | None:
    text = GOOD[name.removesuffix(".csv")]
    at = int(len(text) * position)
    if how == "latin-1":
        return (text[:at] + "Ærø" + text[at:]).encode("latin-1", errors="replace")
    if how == "utf-16":
        return text.encode("utf-16")
    if how == "binary":
        return junk + bytes([0xFF, 0xC3]) + junk
    if how == "nul":
        return text[:at].encode() + b"\x00" + text[at:].encode()
    if how == "huge":
        return (text[:at] + "x" * 131_073 + text[at:]).encode()
    if how == "empty":
        return b""
    if how == "no header":
        return text.split("\n", 1)[1].encode()
    return None  # a directory


@pytest.fixture(scope="module")
def tally(request: pytest.FixtureRequest) -> Iterator[Counter[str]]:
    counter: Counter[str] = Counter()
    yield counter
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is not None:
        with capture.global_and_fixture_disabled():
            print(f"\nimport fuzz: {sum(counter.values())} broken folders ({dict(counter)})")


def test_broken_files_are_refused_with_file_and_line(app, session, tmp_path, tally):
    @settings(
        max_examples=FILE_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        name=st.sampled_from(NAMES),
        how=st.sampled_from(BREAKS),
        position=st.floats(min_value=0, max_value=1),
        junk=st.binary(max_size=64),
    )
    def attack(name: str, how: str, position: float, junk: bytes) -> None:
        folder = tmp_path / "in"
        shutil.rmtree(folder, ignore_errors=True)
        write(folder, **GOOD)
        content = _broken(name, how, position, junk)
        (folder / name).unlink()
        if content is None:
            (folder / name).mkdir()
        else:
            (folder / name).write_bytes(content)
        before = counts(session)
        r = run(app, "import", str(folder))
        assert r.exception is None or isinstance(r.exception, SystemExit), (
            f"{name} {how}: {r.exception!r}"
        )
        # A break may leave a valid file (Latin-1 of a header with no letters beyond
        # ASCII is UTF-8): then it imports; else a Danish line naming the file.
        if r.exit_code != 0:
            assert f"{name}:" in r.output and "Intet er importeret" in r.output, r.output
            assert counts(session) == before
        tally[how] += 1

    attack()


# --- the complete export (alle/) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda b: b.replace(b"post", b"p\\u0000st", 1), "goals.jsonl linje 9: et nul-tegn (NUL)"),
        (lambda b: b.replace("å".encode(), "å".encode("latin-1"), 1), "ikke UTF-8"),
    ],
    ids=["nul", "latin-1"],
)
def test_complete_export_with_nul_or_latin1_is_refused(databases, tmp_path, damage, message):
    source = databases()
    _fill(source)
    _export(source, tmp_path / "ud")
    goals = tmp_path / "ud" / "alle" / "goals.jsonl"
    goals.write_bytes(damage(goals.read_bytes()))
    target = databases()
    result = _import(target, tmp_path / "ud")
    assert result.exit_code == 1 and message in result.output, result.output
    assert _count(target, "citizens") == 0 and _count(target, "teams") == 0
