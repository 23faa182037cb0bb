"""Table-driven tests for wire.cli._filenames: names a server or URL suggests, made safe."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from wire.cli._filenames import (
    DEFAULT_MAX_NAME_BYTES,
    choose_filename,
    filename_from_url,
    parse_content_disposition,
    sanitize_filename,
    unique_path,
)

# --- parse_content_disposition ---------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # RFC 6266 §5 examples
        ("Attachment; filename=example.html", "example.html"),
        ('INLINE; FILENAME= "an example.html"', "an example.html"),
        ("attachment; filename*= UTF-8''%e2%82%ac%20rates", "€ rates"),
        (
            "attachment; filename=\"EURO rates.txt\"; filename*=utf-8''%e2%82%ac%20rates.txt",
            "€ rates.txt",
        ),
        # filename* wins whatever the order
        ("attachment; filename*=UTF-8''caf%C3%A9.txt; filename=cafe.txt", "café.txt"),
        # RFC 5987 ISO-8859-1 and a language tag
        ("attachment; filename*=iso-8859-1'en'%A3%20rates.txt", "£ rates.txt"),
        ("attachment; filename*=UTF-8'en-us'plain.txt", "plain.txt"),
        # a quoted ext-value, as some servers send it
        ("attachment; filename*=\"UTF-8''a%20b.txt\"", "a b.txt"),
        # filename* unusable → filename
        ("attachment; filename*=koi8-r''%C1.txt; filename=fallback.txt", "fallback.txt"),
        ("attachment; filename*=UTF-8''%FF%FE.txt; filename=fallback.txt", "fallback.txt"),
        ("attachment; filename*=no-quotes.txt; filename=fallback.txt", "fallback.txt"),
        # quoted-string: backslash escapes, ';' inside quotes
        (r'attachment; filename="a \"quoted\" \\ name.txt"', 'a "quoted" \\ name.txt'),
        ('attachment; filename="a;b.txt"; size=3', "a;b.txt"),
        ('attachment; filename="x.txt" trailing-junk; size=3', "x.txt"),
        # unquoted token, surrounding whitespace
        ("attachment;filename=report.pdf", "report.pdf"),
        ("attachment ;  filename =  report.pdf  ; size=10", "report.pdf"),
        # no disposition type at all
        ("filename=bare.txt", "bare.txt"),
        # the first of duplicate parameters counts
        ("attachment; filename=first.txt; filename=second.txt", "first.txt"),
        # returned as sent: sanitising is a separate step
        ('attachment; filename="../../etc/passwd"', "../../etc/passwd"),
        # nothing usable
        ("attachment", None),
        ("", None),
        ("attachment; filename=", None),
        ('attachment; filename=""', None),
        ('attachment; filename="unterminated.txt', None),
        ("attachment; size=42", None),
        ("attachment; filename*=UTF-8''", None),
    ],
)
def test_parse_content_disposition(header: str, expected: str | None) -> None:
    assert parse_content_disposition(header) == expected


# --- sanitize_filename -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("café €.txt", "café €.txt"),
        # directory parts, both separators
        ("../../etc/passwd", "passwd"),
        ("/etc/passwd", "passwd"),
        ("..\\..\\Windows\\System32\\evil.dll", "evil.dll"),
        ("C:\\Users\\me\\a.txt", "a.txt"),
        ("a/b/", None),
        # dots: no '..', no hidden files
        ("..", None),
        (".", None),
        ("...", None),
        (".bashrc", "bashrc"),
        ("  . .profile", "profile"),
        # trailing dots and spaces (Windows drops them)
        ("name.txt. . ", "name.txt"),
        ("  padded.txt  ", "padded.txt"),
        # control characters: terminal escapes, NUL, DEL, C1
        ("a\x1b[31mb", "a[31mb"),
        ("nul\x00byte.txt", "nulbyte.txt"),
        ("del\x7f.txt", "del.txt"),
        ("c1\x9b31m.txt", "c131m.txt"),
        ("tab\tnew\nline.txt", "tabnewline.txt"),
        ("\x00\x01\x02", None),
        # bidi overrides, isolates and marks
        ("\u202etxt.exe", "txt.exe"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("\u2066a\u2069\u200e\u200fb.txt", "ab.txt"),
        # characters Windows refuses; ':' would open an NTFS data stream
        ('what: "this"?<>|*.txt', "what_ _this______.txt"),
        # Windows device names, with any extension, any case
        ("CON.txt", "_CON.txt"),
        ("con", "_con"),
        ("aux.tar.gz", "_aux.tar.gz"),
        ("nul .txt", "_nul .txt"),
        ("COM1", "_COM1"),
        ("lpt9.log", "_lpt9.log"),
        ("COM10.txt", "COM10.txt"),
        ("CONSOLE.txt", "CONSOLE.txt"),
        ("icon.png", "icon.png"),
        # lone surrogates cannot be written to any file system
        ("a\ud800b.txt", "ab.txt"),
        ("", None),
        ("   ", None),
    ],
)
def test_sanitize_filename(name: str, expected: str | None) -> None:
    assert sanitize_filename(name) == expected


@pytest.mark.parametrize(
    ("name", "max_length", "expected"),
    [
        ("x" * 5000, 255, "x" * 255),
        ("a" * 300 + ".txt", 255, "a" * 251 + ".txt"),
        ("b" * 300 + ".tar.gz", 255, "b" * 248 + ".tar.gz"),
        # cut on a code point boundary: 'é' is 2 bytes, so 127 of them fit in 255
        ("é" * 200, 255, "é" * 127),
        ("😀" * 100 + ".png", 255, "😀" * 62 + ".png"),
        ("abcdef.txt", 8, "abcd.txt"),
        # an extension longer than half the budget is not kept apart
        ("ab.abcdefghij", 6, "ab.abc"),
        # a cut that ends on a space or dot is tidied
        ("abc  def", 5, "abc"),
        ("CON.txt", 4, "_CON"),
    ],
)
def test_sanitize_filename_caps_utf8_bytes(name: str, max_length: int, expected: str) -> None:
    result = sanitize_filename(name, max_length=max_length)
    assert result == expected
    assert len(result.encode("utf-8")) <= max_length


@pytest.mark.parametrize(
    "hostile",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "..",
        ".bashrc",
        "a\x1b[31mb",
        "\u202etxt.exe",
        "x" * 5000,
        "",
        "CON.txt",
        "..\\..\\boot.ini",
        "./../.././..",
        "\\\\server\\share\\x",
        ". \u202e.\x00./",
    ],
)
def test_sanitize_filename_result_is_always_a_safe_base_name(hostile: str) -> None:
    result = sanitize_filename(hostile)
    if result is None:
        return
    assert result
    assert "/" not in result and "\\" not in result
    assert not result.startswith(".") and not result[0].isspace()
    assert not result.endswith((".", " "))
    assert result.isprintable()
    assert "\u202e" not in result
    assert len(result.encode("utf-8")) <= 255
    assert Path(result).name == result


def test_sanitize_filename_rejects_a_useless_max_length() -> None:
    with pytest.raises(ValueError, match="max_length must be at least 1, got 0"):
        sanitize_filename("a.txt", max_length=0)


# --- filename_from_url -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_path", "expected"),
    [
        ("/files/report.pdf", "report.pdf"),
        ("report.pdf", "report.pdf"),
        ("/files/archive/", "archive"),
        ("//a//b//", "b"),
        ("/caf%C3%A9.txt", "café.txt"),
        ("/EURO%20rates.txt", "EURO rates.txt"),
        ("/%FF.bin", "\ufffd.bin"),
        ("/download?file=x.zip", "download"),
        ("/page#section", "page"),
        ("/", None),
        ("", None),
        ("/x/..", None),
        ("/x/%2e%2e", None),
        ("/x/..%2F..%2Fetc%2Fpasswd", "passwd"),
        ("/x/..%5C..%5Cboot.ini", "boot.ini"),
        ("/%2Ebashrc", "bashrc"),
        ("/a%00b%1B.txt", "ab.txt"),
        ("/CON", "_CON"),
    ],
)
def test_filename_from_url(url_path: str, expected: str | None) -> None:
    assert filename_from_url(url_path) == expected


# --- choose_filename -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_disposition", "url_path", "content_type", "expected"),
    [
        # Content-Disposition first, sanitised
        ('attachment; filename="server.txt"', "/url.bin", "text/plain", "server.txt"),
        ("attachment; filename*=UTF-8''%E2%82%AC.txt", "/url.bin", None, "€.txt"),
        ('attachment; filename="../../.bashrc"', "/url.bin", None, "bashrc"),
        # unusable Content-Disposition → URL
        ('attachment; filename=".."', "/url.bin", None, "url.bin"),
        ("inline", "/url.bin", None, "url.bin"),
        (None, "/dir/data.csv", "text/html", "data.csv"),
        # the URL's name is kept as is: no extension from the Content-Type
        (None, "/api/users", "application/json", "users"),
        # neither → index + extension from the Content-Type
        (None, "/", "text/html; charset=utf-8", "index.html"),
        (None, "/", "TEXT/HTML", "index.html"),
        (None, "/", "application/json", "index.json"),
        (None, "", "text/plain", "index.txt"),
        (None, "/", "application/xml", "index.xml"),
        (None, "/", "image/png", "index.png"),
        (None, "/", "application/problem+json", "index.json"),
        (None, "/", "application/x-wire-unknown", "index"),
        (None, "/", "application/octet-stream", "index"),
        (None, "/", "not a media type", "index"),
        (None, "/", "", "index"),
        (None, "/", None, "index"),
        (None, "/..", "text/html", "index.html"),
    ],
)
def test_choose_filename(
    content_disposition: str | None, url_path: str, content_type: str | None, expected: str
) -> None:
    assert choose_filename(content_disposition, url_path, content_type) == expected


@pytest.mark.parametrize(
    ("content_disposition", "url_path"),
    [
        ('attachment; filename="' + "n" * 5000 + '.txt"', "/"),
        (None, "/" + "u" * 5000 + ".txt"),
    ],
)
def test_choose_filename_leaves_room_for_a_number_and_part(
    content_disposition: str | None, url_path: str
) -> None:
    name = choose_filename(content_disposition, url_path, None)
    assert name.endswith(".txt")
    assert len(name.encode("utf-8")) == DEFAULT_MAX_NAME_BYTES
    assert len((name[:-4] + "-9999.txt.part.json").encode("utf-8")) == 255


# --- unique_path -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [
        ("a.txt", set(), "a.txt"),
        ("a.txt", {"a.txt"}, "a-1.txt"),
        ("a.txt", {"a.txt", "a-1.txt"}, "a-2.txt"),
        # a .part means another download is writing that name
        ("a.txt", {"a.txt.part"}, "a-1.txt"),
        ("a.txt", {"a.txt", "a-1.txt.part"}, "a-2.txt"),
        ("archive.tar.gz", {"archive.tar.gz"}, "archive-1.tar.gz"),
        ("noext", {"noext"}, "noext-1"),
        ("Report v1.2 final", {"Report v1.2 final"}, "Report v1.2 final-1"),
        ("index.html", {"index.html", *(f"index-{n}.html" for n in range(1, 12))}, "index-12.html"),
    ],
)
def test_unique_path(name: str, taken: set[str], expected: str) -> None:
    directory = Path("downloads")

    def exists(path: Path) -> bool:
        assert path.parent == directory
        return path.name in taken

    assert unique_path(directory, name, exists=exists) == directory / expected


def test_unique_path_gives_up_after_ten_thousand_names() -> None:
    probed: list[Path] = []

    def exists(path: Path) -> bool:
        probed.append(path)
        return True

    with pytest.raises(ValueError, match="no free file name for 'a.txt'.*9,999 numbered"):
        unique_path(Path("d"), "a.txt", exists=exists)
    # one probe per candidate: each is taken already, so its .part is never checked
    assert len(probed) == 10_000
    assert probed[-1] == Path("d/a-9999.txt")


def test_unique_path_keeps_numbered_names_within_name_max() -> None:
    name = "é" * 120 + ".txt"  # 244 bytes
    taken = {name}
    result = unique_path(Path("d"), name, exists=lambda path: path.name in taken)
    assert result.name.endswith("-1.txt")
    assert len((result.name + ".part.json").encode("utf-8")) <= 255


def test_unique_path_default_probe_checks_the_file_system(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "a-1.txt.part").write_bytes(b"")
    assert unique_path(tmp_path, "a.txt") == tmp_path / "a-2.txt"


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_unique_path_treats_a_dangling_symlink_as_taken(tmp_path: Path) -> None:
    os.symlink(tmp_path / "nowhere", tmp_path / "a.txt")
    assert unique_path(tmp_path, "a.txt") == tmp_path / "a-1.txt"


def test_an_ext_value_with_a_lone_surrogate_is_invalid_not_a_crash() -> None:
    # Found by the hypothesis property test (tests/hostile/test_properties.py).
    assert parse_content_disposition("attachment; filename*=UTF-8''\ud800") is None
    assert parse_content_disposition("attachment; filename=a.txt; filename*=UTF-8''\ud800") == (
        "a.txt"
    )
