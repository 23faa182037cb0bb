"""The METHOD and URL positional arguments, read the way HTTPie reads them.

Pure string functions: no I/O, and no click, rich or pygments.

URL shorthands (``default_scheme="http"``):

    =====================  ==============================
    argument               URL
    =====================  ==============================
    ``example.org``        ``http://example.org``
    ``localhost:8000/p``   ``http://localhost:8000/p``
    ``:8000/path``         ``http://localhost:8000/path``
    ``:/path``             ``http://localhost/path``
    ``:``                  ``http://localhost``
    ``://example.org``     ``http://example.org``  (a pasted URL with a space after the scheme)
    ``//example.org/p``    ``http://example.org/p`` (scheme-relative, RFC 3986 §4.2)
    ``https://x``          unchanged
    =====================  ==============================
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

__all__ = [
    "URLArgError",
    "default_method",
    "normalise_url",
    "split_method_and_url",
]

# RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). Like HTTPie, only a
# scheme followed by "://" counts, so `localhost:8000` is a host and port, not scheme "localhost".
_SCHEME_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
_HAS_SCHEME_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://")
# curl's localhost shorthand: ":" [port] [path-abempty / "?" query / "#" fragment].
_LOCALHOST_SHORTHAND_RE: Final = re.compile(r":([0-9]*)((?:[/?#].*)?)", re.DOTALL)
# HTTPie's test for a METHOD (it takes any word of letters, e.g. PURGE or AHOY).
_METHOD_RE: Final = re.compile(r"[A-Za-z]+")
# C0 controls and DEL can never be sent in a request line (RFC 9112 §3.2, RFC 3986 §2).
_CONTROL_RE: Final = re.compile(r"[\x00-\x1f\x7f]")


class URLArgError(ValueError):
    """The URL argument cannot become a request URL.

    ``str(error)`` is one line naming the URL (with control characters escaped), e.g.
    ``invalid URL 'http://a b/': the host contains whitespace``.

    Attributes:
        url: str, the URL argument as given.
        message: str, what is wrong with it.
    """

    def __init__(self, url: str, message: str) -> None:
        self.url = url
        self.message = message
        super().__init__(url, message)

    def __str__(self) -> str:
        return f"invalid URL {self.url!r}: {self.message}"


def normalise_url(arg: str, *, default_scheme: str = "http") -> str:
    """Expand a URL argument into an absolute URL, as HTTPie does.

    A URL without ``scheme://`` gets ``default_scheme``; ``:PORT/PATH`` is short for
    ``localhost``. The rest of the URL is kept as typed: percent-encoding and IDNA are the URL
    parser's job.

    Args:
        arg: str, the URL positional argument.
        default_scheme: str, the scheme for a URL given without one (``--default-scheme``);
            an RFC 3986 §3.1 scheme such as ``"http"`` or ``"https"``. Default ``"http"``.

    Returns:
        str: an absolute URL, e.g. ``"http://localhost:8000/path"``.

    Raises:
        ValueError: ``default_scheme`` is not a valid scheme.
        URLArgError: the URL contains a control character (CR, LF, NUL...), its host contains
            whitespace, an ``http``/``https`` URL has no host, or a ``:`` shorthand is not
            followed by a port or path (e.g. ``:abc``).

    >>> normalise_url(":8000/path"), normalise_url("example.org", default_scheme="https")
    ('http://localhost:8000/path', 'https://example.org')
    """
    if not _SCHEME_RE.fullmatch(default_scheme):
        raise ValueError(f"default_scheme must be a URL scheme like 'http', not {default_scheme!r}")
    control = _CONTROL_RE.search(arg)
    if control:
        raise URLArgError(arg, f"it contains the control character {control.group()!r}")
    url = arg[len("://") :] if arg.startswith("://") else arg
    if not _HAS_SCHEME_RE.match(url):
        url = _add_scheme(arg, url, default_scheme)
    _check_authority(arg, url)
    return url


def _add_scheme(arg: str, url: str, scheme: str) -> str:
    if url.startswith("//"):
        return f"{scheme}:{url}"
    if url.startswith(":") and not url.startswith("::"):
        shorthand = _LOCALHOST_SHORTHAND_RE.fullmatch(url)
        if shorthand is None:
            # HTTPie would build "http://localhostabc" here; refuse instead.
            raise URLArgError(arg, "expected a port or a path after ':' (e.g. ':8000/path')")
        port, rest = shorthand.groups()
        return f"{scheme}://localhost{':' + port if port else ''}{rest}"
    return f"{scheme}://{url}"


def _check_authority(arg: str, url: str) -> None:
    scheme, _, rest = url.partition("://")
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    # RFC 3986 §3.2: userinfo ends at the last "@" of the authority.
    host = authority.rpartition("@")[2]
    if any(char.isspace() for char in host):
        raise URLArgError(arg, "the host contains whitespace")
    if not host and scheme.lower() in {"http", "https"}:
        # RFC 9110 §4.2.1: an http(s) URI with an empty host is invalid.
        raise URLArgError(arg, "no host")


def split_method_and_url(args: Sequence[str]) -> tuple[str | None, str, list[str]]:
    """Split the positional arguments ``[METHOD] URL [REQUEST_ITEM ...]``, as HTTPie does.

    The first argument is the METHOD when it is made of letters only (``GET``, ``post``,
    ``PURGE``) and another argument follows it; otherwise it is the URL. Like HTTPie, a
    letters-only host followed by items (``localhost a=1``) is therefore read as a method;
    write ``:`` or ``localhost:80`` for such a host.

    Args:
        args: the positional arguments (str each), in order.

    Returns:
        tuple: ``(method, url, items)``: the method upper-cased, or None when not given (see
        :func:`default_method`); the URL argument as typed (see :func:`normalise_url`); the
        remaining arguments (a new list).

    Raises:
        URLArgError: ``args`` is empty (no URL).

    >>> split_method_and_url(["post", ":8000", "a=1"]), split_method_and_url(["example.org"])
    (('POST', ':8000', ['a=1']), (None, 'example.org', []))
    """
    if not args:
        raise URLArgError("", "no URL given")
    first, rest = args[0], list(args[1:])
    if rest and _METHOD_RE.fullmatch(first):
        return first.upper(), rest[0], rest[1:]
    return None, first, rest


def default_method(has_body: bool) -> str:
    """Return the method HTTPie uses when none is given.

    Args:
        has_body: bool, whether the request has a body (data, JSON or file items, or stdin).

    Returns:
        str: ``"POST"`` when ``has_body`` is true, else ``"GET"``.
    """
    return "POST" if has_body else "GET"
