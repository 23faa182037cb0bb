"""`URL` and `QueryParams`: immutable, normalised URLs and query strings; no I/O.

Both mirror httpx 0.28's classes. Parsing and escaping live in `_urlparse`; this
module adds the public, typed views (str vs bytes, escaped vs unescaped) on top.

Query strings are written the way HTML forms encode them (`application/x-www-form-
urlencoded`, as Python's `urllib.parse.urlencode` does): a space becomes "+", and every
character other than letters, digits and "-._~" is escaped, "/" and "%" included. A
query written directly in a URL string is only escaped where the WHATWG query set
requires it, so "?a=b c" becomes "?a=b%20c" but a "+" already there is kept.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any, NamedTuple, NoReturn
from urllib.parse import parse_qsl, quote_plus, unquote

from ._exceptions import InvalidURL
from ._types import PrimitiveData, QueryParamTypes
from ._urlparse import ParseResult, decode_host, resolve, urlparse

__all__ = ["URL", "QueryParams", "primitive_value_to_str"]

# Keyword arguments accepted by `URL()` and `URL.copy_with()`, with their types. The
# bytes ones match the bytes properties of the same name (`url.query`, ...).
_URL_KWARG_TYPES: dict[str, type] = {
    "scheme": str,
    "username": str,
    "password": str,
    "userinfo": bytes,
    "host": str,
    "port": int,
    "netloc": bytes,
    "path": str,
    "query": bytes,
    "raw_path": bytes,
    "fragment": str,
    "params": object,
}


def primitive_value_to_str(value: PrimitiveData) -> str:
    """Render a query-parameter value the way JSON-minded APIs expect.

    Args:
        value: str, int, float, bool or None.

    Returns:
        "true"/"false" for booleans, "" for None, `str(value)` otherwise.

    Example:
        >>> [primitive_value_to_str(v) for v in (True, None, 1.5, "x")]
        ['true', '', '1.5', 'x']
    """
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return str(value)


def _check_url_kwarg_type(key: str, value: object) -> None:
    """Raise TypeError for an unknown `URL()` keyword or a value of the wrong type."""
    expected = _URL_KWARG_TYPES.get(key)
    if expected is None:
        raise TypeError(f"{key!r} is an invalid keyword argument for URL()")
    if value is not None and not isinstance(value, expected):
        raise TypeError(
            f"Argument {key!r} must be {expected.__name__} but got {type(value).__name__}"
        )


def _url_kwargs(kwargs: dict[str, Any]) -> dict[str, str | None]:
    """Type-check `URL()` keyword arguments and convert them to parser components."""
    components: dict[str, str | None] = {}
    for key, value in kwargs.items():
        _check_url_kwarg_type(key, value)
        if key == "params":
            # Empty params mean "no query", so no bare trailing "?" is produced.
            components["query"] = str(QueryParams(value)) if value else None
        elif isinstance(value, bytes):
            try:
                components[key] = value.decode("ascii")
            except UnicodeDecodeError:
                raise InvalidURL(f"Argument {key!r} must be ASCII bytes") from None
        elif isinstance(value, int):
            components[key] = str(value)
        else:
            components[key] = value
    return components


class RawURL(NamedTuple):
    """The parts of a URL a transport sends: see `URL.raw` (deprecated)."""

    raw_scheme: bytes
    raw_host: bytes
    port: int | None
    raw_path: bytes


@functools.lru_cache(maxsize=256)
def _parse_short(url: str) -> ParseResult:
    return urlparse(url)


def _parse_cached(url: str) -> ParseResult:
    # Clients parse the same few URLs over and over; a ParseResult is an immutable tuple,
    # so it can be shared. Only short URLs are kept (at most 256 x 2 KiB), and invalid
    # ones raise and are not cached.
    return _parse_short(url) if len(url) <= 2048 else urlparse(url)


class URL:
    """An immutable, normalised URL (RFC 3986), or a relative reference.

    Args:
        url: str or `URL` to start from. Default "" (an empty relative reference).
        **kwargs: components replacing those of `url`: scheme (str), username (str,
            unescaped), password (str, unescaped), userinfo (bytes, escaped), host
            (str; an IPv6 address with or without brackets), port (int), netloc (bytes,
            "host:port"), path (str), query (bytes, escaped, no "?"), raw_path (bytes,
            "path?query"), fragment (str), params (any `QueryParamTypes`; replaces the
            query, and an empty value removes it). None removes a component.

    Raises:
        TypeError: `url` is not a str or `URL`, a keyword is unknown, or a keyword's
            value has the wrong type.
        InvalidURL: the URL is longer than 65536 characters, holds an ASCII control
            character, or has an invalid host, port, path or component.

    Example:
        ```
        url = URL("HTTPS://jo%40email.com:a%20secret@müller.de:1234/pa%20th?search=ab#anchorlink")

        assert url.scheme == "https"
        assert url.username == "jo@email.com"
        assert url.password == "a secret"
        assert url.userinfo == b"jo%40email.com:a%20secret"
        assert url.host == "müller.de"
        assert url.raw_host == b"xn--mller-kva.de"
        assert url.port == 1234
        assert url.netloc == b"xn--mller-kva.de:1234"
        assert url.path == "/pa th"
        assert url.query == b"search=ab"
        assert url.raw_path == b"/pa%20th?search=ab"
        assert url.fragment == "anchorlink"
        ```

    The components of a URL are broken down like this:

    ```
       https://jo%40email.com:a%20secret@müller.de:1234/pa%20th?search=ab#anchorlink
    [scheme]   [  username  ] [password] [ host ][port][ path ] [ query ] [fragment]
               [       userinfo        ] [   netloc   ][    raw_path    ]
    ```

    Note that:

    * `scheme` and `host` are lowercased; `host` shows internationalised names in
      Unicode while `raw_host` and `netloc` hold the IDNA ("xn--") form.
    * `port` is None when absent *or* equal to the scheme's default (80 for http and
      ws, 443 for https and wss, 21 for ftp): `URL("http://a:80") == URL("http://a")`.
    * `path` is unescaped and never empty for an absolute URL ("/" stands in for the
      empty path), yet `str(URL("https://a"))` stays "https://a".
    * `userinfo`, `query` and `raw_path` are escaped bytes: a query can only be
      unescaped once split into names and values (see `params`).
    * `str(url)` is the canonical, escaped form; `repr(url)` masks the password.
    """

    __slots__ = ("_str", "_uri_reference")

    _uri_reference: ParseResult
    _str: str | None

    def __init__(self, url: URL | str = "", **kwargs: Any) -> None:
        if not kwargs:
            # The common cases, kept cheap: they run for every request.
            if isinstance(url, str):
                self._uri_reference = _parse_cached(url)
                self._str = None
                return
            if isinstance(url, URL):
                # Immutable: the copy shares the parsed components and the str form.
                self._uri_reference = url._uri_reference
                self._str = url._str
                return
        components = _url_kwargs(kwargs) if kwargs else {}
        if isinstance(url, str):
            self._uri_reference = urlparse(url, **components)
        elif isinstance(url, URL):
            self._uri_reference = url._uri_reference.copy_with(**components)
        else:
            raise TypeError(
                f"Invalid type for url.  Expected str or URL, got {type(url)}: {url!r}"
            )
        self._str = None

    @classmethod
    def _from_parse_result(cls, parsed: ParseResult) -> URL:
        url = cls.__new__(cls)
        url._uri_reference = parsed
        url._str = None
        return url

    @property
    def scheme(self) -> str:
        """The scheme as a lowercase str, such as "https"; "" for a relative URL."""
        return self._uri_reference.scheme

    @property
    def raw_scheme(self) -> bytes:
        """The scheme as lowercase ASCII bytes, such as b"https"."""
        return self._uri_reference.scheme.encode("ascii")

    @property
    def userinfo(self) -> bytes:
        """The userinfo as escaped bytes, such as b"jo%40email.com:a%20secret"; b"" if none."""
        return self._uri_reference.userinfo.encode("ascii")

    @property
    def username(self) -> str:
        """The username as an unescaped str, such as "jo@email.com"; "" if none."""
        return unquote(self._uri_reference.userinfo.partition(":")[0])

    @property
    def password(self) -> str:
        """The password as an unescaped str, such as "a secret"; "" if none."""
        return unquote(self._uri_reference.userinfo.partition(":")[2])

    @property
    def host(self) -> str:
        """The host as a lowercase str, IDNA names decoded to Unicode; "" if none.

        ```
        assert URL("http://www.EXAMPLE.org").host == "www.example.org"
        assert URL("http://中国.icom.museum").host == "中国.icom.museum"
        assert URL("http://xn--fiqs8s.icom.museum").host == "中国.icom.museum"
        assert URL("https://[::ffff:192.168.0.1]").host == "::ffff:192.168.0.1"
        ```

        Every "xn--" label is decoded, not only a leading one (httpx 0.28 decodes only
        hosts that *start* with "xn--"); a label that is not valid IDNA stays as is.
        """
        return decode_host(self._uri_reference.host)

    @property
    def raw_host(self) -> bytes:
        """The host as lowercase, IDNA-encoded ASCII bytes, IPv6 without brackets.

        ```
        assert URL("http://中国.icom.museum").raw_host == b"xn--fiqs8s.icom.museum"
        assert URL("https://[::1]:8443").raw_host == b"::1"
        ```
        """
        return self._uri_reference.host.encode("ascii")

    @property
    def port(self) -> int | None:
        """The port as an int, or None when absent or the scheme's default.

        ```
        assert URL("http://example.com:80").port is None
        assert URL("http://example.com:8080").port == 8080
        ```
        """
        return self._uri_reference.port

    @property
    def netloc(self) -> bytes:
        """`host` or `host:port` as ASCII bytes, IDNA-encoded, IPv6 in brackets.

        This is the value of a request's Host header (RFC 9110 §7.2).

        ```
        assert URL("http://[::1]:8080/").netloc == b"[::1]:8080"
        ```
        """
        return self._uri_reference.netloc.encode("ascii")

    @property
    def path(self) -> str:
        """The path as an unescaped str, without the query; "/" when empty.

        ```
        assert URL("https://example.com/pa%20th").path == "/pa th"
        assert URL("https://example.com").path == "/"
        ```
        """
        return unquote(self._uri_reference.path or "/")

    @property
    def query(self) -> bytes:
        """The query as escaped ASCII bytes, without the "?"; b"" when absent.

        ```
        assert URL("https://example.com/?q=a%20b").query == b"q=a%20b"
        ```
        """
        query = self._uri_reference.query
        return query.encode("ascii") if query else b""

    @property
    def params(self) -> QueryParams:
        """The query parsed into an immutable `QueryParams` multi-dict."""
        return QueryParams(self._uri_reference.query)

    @property
    def raw_path(self) -> bytes:
        """The escaped path plus "?query" as ASCII bytes: the request target (RFC 9112 §3.2).

        A trailing "?" with an empty query is kept.

        ```
        assert URL("https://example.com/a b?x=1").raw_path == b"/a%20b?x=1"
        assert URL("https://example.com/path?").raw_path == b"/path?"
        assert URL("https://example.com").raw_path == b"/"
        ```
        """
        parsed = self._uri_reference
        path = parsed.path or "/"
        if parsed.query is not None:
            path = f"{path}?{parsed.query}"
        return path.encode("ascii")

    @property
    def fragment(self) -> str:
        """The fragment as an unescaped str, without the "#"; "" when absent."""
        return unquote(self._uri_reference.fragment or "")

    @property
    def raw(self) -> RawURL:
        """Deprecated (as in httpx): the `RawURL` (raw_scheme, raw_host, port, raw_path).

        Use the four properties of those names instead.

        Raises:
            UserWarning: always emitted as a warning (httpx's category), not raised.
        """
        warnings.warn("URL.raw is deprecated.", UserWarning, stacklevel=2)
        return RawURL(self.raw_scheme, self.raw_host, self.port, self.raw_path)

    @property
    def is_absolute_url(self) -> bool:
        """True when the URL has both a scheme and a host, so it can be requested.

        ```
        assert URL("http://example.com/path").is_absolute_url
        assert not URL("/path").is_absolute_url
        ```
        """
        return bool(self._uri_reference.scheme and self._uri_reference.host)

    @property
    def is_relative_url(self) -> bool:
        """True when the URL lacks a scheme or a host (the negation of `is_absolute_url`)."""
        return not self.is_absolute_url

    def copy_with(self, **kwargs: Any) -> URL:
        """Return a copy with some components replaced.

        Args:
            **kwargs: the same keywords as `URL()`.

        Returns:
            A new `URL`.

        Raises:
            TypeError: a keyword is unknown or has the wrong type.
            InvalidURL: the result is not a valid URL.

        Example:
            ```
            url = URL("https://www.example.com")
            url = url.copy_with(username="jo@email.com", password="a secret")
            assert url == "https://jo%40email.com:a%20secret@www.example.com"
            ```
        """
        return URL(self, **kwargs)

    def copy_set_param(self, key: str, value: Any = None) -> URL:
        """Return a copy whose query has `key` set to the single `value` (see `QueryParams.set`)."""
        return self.copy_with(params=self.params.set(key, value))

    def copy_add_param(self, key: str, value: Any = None) -> URL:
        """Return a copy whose query has `value` appended under `key` (see `QueryParams.add`)."""
        return self.copy_with(params=self.params.add(key, value))

    def copy_remove_param(self, key: str) -> URL:
        """Return a copy whose query lacks `key`; the "?" goes when nothing is left."""
        return self.copy_with(params=self.params.remove(key))

    def copy_merge_params(self, params: QueryParamTypes) -> URL:
        """Return a copy whose query is merged with `params` (see `QueryParams.merge`)."""
        return self.copy_with(params=self.params.merge(params))

    def join(self, url: URL | str) -> URL:
        """Resolve a reference against this URL (RFC 3986 §5.2, strict).

        Args:
            url: str or `URL`, an absolute URL or a relative reference.

        Returns:
            The target `URL`, with dot segments removed (RFC 3986 §5.2.4).

        Raises:
            TypeError: `url` is not a str or `URL`.
            InvalidURL: `url` or the result is invalid.

        Example:
            ```
            url = URL("https://www.example.com/a/b")
            assert url.join("/new/path") == "https://www.example.com/new/path"
            assert url.join("../c") == "https://www.example.com/c"
            ```

        A reference with this URL's scheme but no authority, such as "http:g", is taken
        as absolute (the strict reading of §5.2.2) where `urllib.parse.urljoin`, which
        httpx 0.28 uses, treats it as relative.
        """
        reference = url if isinstance(url, URL) else URL(url)
        return URL._from_parse_result(resolve(self._uri_reference, reference._uri_reference))

    def __hash__(self) -> int:
        return hash(str(self))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, URL):
            return str(self) == str(other)
        if isinstance(other, str):
            return str(self) == str(URL(other))
        return False

    def __str__(self) -> str:
        if self._str is None:
            self._str = str(self._uri_reference)
        return self._str

    def __repr__(self) -> str:
        parsed = self._uri_reference
        if ":" in parsed.userinfo:
            # Never show a password in logs or tracebacks.
            username = parsed.userinfo.partition(":")[0]
            parsed = parsed._replace(userinfo=f"{username}:[secure]")
        return f"{self.__class__.__name__}({str(parsed)!r})"


class QueryParams(Mapping[str, str]):
    """An immutable multi-dict of query parameters (name → one or more str values).

    Args:
        *args: at most one source: a query str ("a=1&b=2", "+" and "%XX" decoded) or
            ASCII bytes; a mapping whose values are primitives or lists/tuples of them;
            a list or tuple of (name, value) pairs; another `QueryParams`; or None.
        **kwargs: names and values, instead of a positional source.

    Values are converted with `primitive_value_to_str`: True → "true", None → "".
    Mapping access (`q[key]`, `get`, `items`, `values`) sees the *first* value of each
    name; `get_list` and `multi_items` see them all.

    Raises:
        TypeError: more than one positional argument, both positional and keyword
            arguments, or a source of an unsupported type.

    Example:
        ```
        q = QueryParams("a=123&a=456&b=789")
        assert q["a"] == "123"
        assert q.get_list("a") == ["123", "456"]
        assert str(q.set("c", "x y")) == "a=123&a=456&b=789&c=x+y"
        assert repr(q) == "QueryParams('a=123&a=456&b=789')"
        ```
    """

    __slots__ = ("_dict",)

    _dict: dict[str, list[str]]

    def __init__(self, *args: QueryParamTypes | None, **kwargs: Any) -> None:
        if len(args) > 1:
            raise TypeError(f"QueryParams() takes at most 1 positional argument, got {len(args)}")
        if args and kwargs:
            raise TypeError("QueryParams() takes either a positional argument or keywords")
        value: Any = args[0] if args else kwargs
        if value is None or isinstance(value, str | bytes):
            self._dict = _parse_query(value)
        elif isinstance(value, QueryParams):
            self._dict = {k: list(v) for k, v in value._dict.items()}
        elif isinstance(value, list | tuple):
            pairs: dict[str, list[str]] = {}
            for name, item in value:
                pairs.setdefault(str(name), []).append(primitive_value_to_str(item))
            self._dict = pairs
        elif isinstance(value, Mapping):
            self._dict = {
                str(k): [primitive_value_to_str(item) for item in v]
                if isinstance(v, list | tuple)
                else [primitive_value_to_str(v)]
                for k, v in value.items()
            }
        else:
            raise TypeError(
                "QueryParams() argument must be a str, bytes, mapping, list of pairs or "
                f"QueryParams, got {type(value).__name__}"
            )

    @classmethod
    def _from_dict(cls, values: dict[str, list[str]]) -> QueryParams:
        params = cls.__new__(cls)
        params._dict = values
        return params

    def keys(self) -> KeysView[str]:
        """The distinct names, in first-seen order: `QueryParams("a=1&a=2&b=3")` → a, b."""
        return self._dict.keys()

    def values(self) -> ValuesView[str]:
        """The first value of each name: `QueryParams("a=1&a=2&b=3")` → "1", "3"."""
        return {k: v[0] for k, v in self._dict.items()}.values()

    def items(self) -> ItemsView[str, str]:
        """(name, first value) pairs: `QueryParams("a=1&a=2&b=3")` → (a, 1), (b, 3)."""
        return {k: v[0] for k, v in self._dict.items()}.items()

    def multi_items(self) -> list[tuple[str, str]]:
        """Every (name, value) pair, repeats included: (a, 1), (a, 2), (b, 3)."""
        return [(k, item) for k, v in self._dict.items() for item in v]

    def get(self, key: Any, default: Any = None) -> Any:
        """Return the first value for `key`.

        Args:
            key: the str name.
            default: returned when `key` is absent. Default None.

        Returns:
            The first str value, or `default`.
        """
        values = self._dict.get(str(key))
        return values[0] if values else default

    def get_list(self, key: str) -> list[str]:
        """Return a new list of every value for `key`; [] when absent."""
        return list(self._dict.get(str(key), []))

    def set(self, key: str, value: Any = None) -> QueryParams:
        """Return a copy where `key` has the single value `value` (converted to str)."""
        values = dict(self._dict)
        values[str(key)] = [primitive_value_to_str(value)]
        return QueryParams._from_dict(values)

    def add(self, key: str, value: Any = None) -> QueryParams:
        """Return a copy with `value` (converted to str) appended to the values of `key`."""
        values = dict(self._dict)
        values[str(key)] = self.get_list(key) + [primitive_value_to_str(value)]
        return QueryParams._from_dict(values)

    def remove(self, key: str) -> QueryParams:
        """Return a copy without `key`; unchanged when `key` is absent."""
        values = dict(self._dict)
        values.pop(str(key), None)
        return QueryParams._from_dict(values)

    def merge(self, params: QueryParamTypes | None = None) -> QueryParams:
        """Return a copy updated with `params`: each name in `params` replaces all the
        values of that name here; other names are kept.

        ```
        q = QueryParams("a=123&b=1").merge({"a": "456", "c": "789"})
        assert q == QueryParams("a=456&b=1&c=789")
        ```
        """
        other = QueryParams(params)
        return QueryParams._from_dict({**self._dict, **other._dict})

    def __getitem__(self, key: Any) -> str:
        return self._dict[key][0]

    def __contains__(self, key: Any) -> bool:
        return key in self._dict

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict)

    def __len__(self) -> int:
        return len(self._dict)

    def __bool__(self) -> bool:
        return bool(self._dict)

    def __hash__(self) -> int:
        return hash(str(self))

    def __eq__(self, other: object) -> bool:
        """Equal to another `QueryParams` with the same pairs, in any order."""
        if not isinstance(other, self.__class__):
            return False
        return sorted(self.multi_items()) == sorted(other.multi_items())

    def __str__(self) -> str:
        # Form encoding, as `urllib.parse.urlencode` does and httpx 0.28 produces.
        return "&".join(
            f"{quote_plus(k, safe='')}={quote_plus(v, safe='')}" for k, v in self.multi_items()
        )

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({str(self)!r})"

    def update(self, params: QueryParamTypes | None = None) -> NoReturn:
        """Always raises: `QueryParams` is immutable.

        Raises:
            RuntimeError: always; use `q = q.merge(...)`.
        """
        raise RuntimeError(
            "QueryParams are immutable since 0.18.0. "
            "Use `q = q.merge(...)` to create an updated copy."
        )

    def __setitem__(self, key: str, value: str) -> NoReturn:
        raise RuntimeError(
            "QueryParams are immutable since 0.18.0. "
            "Use `q = q.set(key, value)` to create an updated copy."
        )


def _parse_query(query: str | bytes | None) -> dict[str, list[str]]:
    """Split a form-encoded query into names and values, keeping blank values."""
    if not query:
        return {}
    text = query.decode("ascii") if isinstance(query, bytes) else query
    values: dict[str, list[str]] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        values.setdefault(name, []).append(value)
    return values
