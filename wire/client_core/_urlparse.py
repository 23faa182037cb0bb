"""Low-level URL parsing, validation and normalisation (RFC 3986, WHATWG escape sets).

`urlparse(url, **components)` splits a URL string into its seven components and
returns a `ParseResult` whose every field is already in canonical, ASCII-only form:

```
urlparse("HTTPS://user:pa ss@Müller.de:1234/pa th?q=a b#frag") == ParseResult(
    scheme="https", userinfo="user:pa%20ss", host="xn--mller-kva.de", port=1234,
    path="/pa%20th", query="q=a%20b", fragment="frag",
)
```

Strategy:
    * One regex match splits the reference into scheme, authority, path, query and
      fragment (RFC 3986 §3, Appendix B); the authority is split with `str` methods.
    * `query` and `fragment` are None when absent and "" when present but empty, so a
      trailing "?" or "#" survives a round trip.
    * Each component is percent-encoded with its own safe set, taken from the WHATWG
      URL standard's percent-encode sets (https://url.spec.whatwg.org/#percent-encoded-bytes).
      "%" is in every set, so existing "%XX" escapes are kept and encoding is idempotent:
      re-parsing canonical output returns it unchanged. Encoding is one `str.translate`
      over the UTF-8 bytes, behind a regex fast path for strings that need nothing.
    * Hosts: IPv4 and IPv6 literals are validated with `ipaddress`; ASCII names are
      lowercased and escaped; other names are IDNA-encoded (UTS #46, non-transitional).
    * The port is dropped when it is the scheme's default (RFC 3986 §3.2.3, WHATWG
      "special scheme" ports). Dot segments are removed from paths of URLs that have a
      scheme or an authority (RFC 3986 §5.2.4); relative references keep them for `join`.

Deliberate departures from httpx 0.28, each to be stricter or to fix an edge case:
    * A port must be ASCII digits in 0..65535 (RFC 3986 §3.2.3); httpx accepts anything
      `int()` accepts, such as "+80" or "8_0".
    * The default port is looked up with the lowercased scheme ("HTTP://h:80" drops :80).
    * Dot-segment removal follows RFC 3986 §5.2.4 exactly, so "/a/b/.." gives "/a/".
    * Passing only `username` or only `password` keeps the other half of the userinfo.
    * A `netloc` with a bracketed IPv6 host and a port ("[::1]:8080") is split correctly.
    * Escapes in a reg-name host stay uppercase after lowercasing, and `str()` writes
      "scheme:////path" and "./a:b" where RFC 3986 §3.3/§4.2 need it, so the canonical
      string always re-parses to the same URL.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from typing import NamedTuple

from ._exceptions import InvalidURL

__all__ = [
    "DEFAULT_PORTS",
    "MAX_URL_LENGTH",
    "ParseResult",
    "encode_host",
    "decode_host",
    "normalize_port",
    "quote",
    "remove_dot_segments",
    "resolve",
    "urlparse",
]

#: Hard limit on the length of a URL or of any single component, in characters.
MAX_URL_LENGTH = 65536

#: Default port of each scheme; a URL naming this port has `port=None`
#: (https://url.spec.whatwg.org/#special-scheme).
DEFAULT_PORTS: dict[str, int] = {"ftp": 21, "http": 80, "https": 443, "ws": 80, "wss": 443}

# RFC 3986 §2.3 unreserved characters are never escaped.
_UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
_SUB_DELIMS = "!$&'()*+,;="


def _printable_ascii_except(excluded: str) -> str:
    """Every printable ASCII character (U+0020..U+007E) not listed in `excluded`."""
    return "".join(chr(i) for i in range(0x20, 0x7F) if chr(i) not in excluded)


# WHATWG percent-encode sets, written as the complementary *safe* sets. C0 controls
# and U+007F never reach the encoder: they are rejected up front.
_FRAGMENT_SAFE = _printable_ascii_except(' "<>`')
_QUERY_SAFE = _printable_ascii_except(' "#<>')
_PATH_SAFE = _printable_ascii_except(' "#<>' + "?`{}")
# The userinfo set is used for the username and the password on their own; the joint
# "user:password" component must also keep its ":" separator.
_USERNAME_SAFE = _printable_ascii_except(' "#<>' + "?`{}" + "/:;=@[\\]^|")
_USERINFO_SAFE = _printable_ascii_except(' "#<>' + "?`{}" + "/;=@[\\]^|")
# A reg-name host (RFC 3986 §3.2.2) plus the characters WHATWG leaves alone in hosts.
_HOST_SAFE = _UNRESERVED + _SUB_DELIMS + '"`{}%|\\'


class _Quoter:
    """Percent-encodes every character outside one safe set (RFC 3986 §2.1).

    Characters are encoded as the UTF-8 bytes of the character, each as "%XX" with
    uppercase hex digits (RFC 3986 §2.1 recommends uppercase).
    """

    __slots__ = ("_needs_quoting", "_table")

    def __init__(self, safe: str) -> None:
        safe_set = set(_UNRESERVED + safe)
        # 256 entries: the string is quoted as its UTF-8 bytes decoded as latin-1, so
        # every non-ASCII byte is one character in U+0080..U+00FF here.
        self._table = {i: f"%{i:02X}" for i in range(256) if chr(i) not in safe_set}
        escaped = "".join(sorted(re.escape(c) for c in safe_set))
        self._needs_quoting = re.compile(f"[^{escaped}]").search

    def __call__(self, string: str) -> str:
        if self._needs_quoting(string) is None:
            return string
        try:
            as_bytes = string.encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate has no UTF-8 form
            raise InvalidURL(f"Invalid character in URL: {string[exc.start]!r}") from None
        return as_bytes.decode("latin-1").translate(self._table)


_quote_fragment = _Quoter(_FRAGMENT_SAFE)
_quote_query = _Quoter(_QUERY_SAFE)
_quote_path = _Quoter(_PATH_SAFE)
_quote_username = _Quoter(_USERNAME_SAFE)
_quote_userinfo = _Quoter(_USERINFO_SAFE)
_quote_host = _Quoter(_HOST_SAFE)
_QUOTERS: dict[str, _Quoter] = {}


def quote(string: str, safe: str = "") -> str:
    """Percent-encode `string`, leaving unreserved characters and `safe` alone.

    Args:
        string: str to encode; any Unicode (non-ASCII is encoded as UTF-8 bytes).
        safe: str of extra characters not to encode. Default "" (only RFC 3986 §2.3
            unreserved characters are kept). Put "%" in it to keep existing escapes.

    Returns:
        The ASCII str, with "%XX" uppercase escapes.

    Raises:
        InvalidURL: `string` holds a lone surrogate, which has no UTF-8 encoding.
    """
    quoter = _QUOTERS.get(safe)
    if quoter is None:
        quoter = _QUOTERS[safe] = _Quoter(safe)
    return quoter(string)


# RFC 3986 Appendix B, with httpx's stricter scheme syntax (§3.1). The scheme group
# may be empty so that "://host" parses with an empty scheme, as httpx does.
_URL_RE = re.compile(
    r"(?:(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*)?:)?"
    r"(?://(?P<authority>[^/?#]*))?"
    r"(?P<path>[^?#]*)"
    r"(?:\?(?P<query>[^#]*))?"
    r"(?:#(?P<fragment>.*))?",
    re.DOTALL,
)
_SCHEME_RE = re.compile(r"(?:[a-zA-Z][a-zA-Z0-9+.-]*)?")
_IPV4_STYLE_RE = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_CONTROL_CHAR_RE = re.compile(r"[\x00-\x1f\x7f]")
_PERCENT_ESCAPE_RE = re.compile(r"%[0-9a-f]{2}")

# Characters each component given as a keyword may not contain, because they would
# end that component inside a URL string (RFC 3986 §3).
_FORBIDDEN_IN_COMPONENT = {
    "authority": "/?#",
    "path": "?#",
    "query": "#",
    "userinfo": "@",
}


class ParseResult(NamedTuple):
    """The canonical components of a URL reference; every str is ASCII.

    Attributes:
        scheme: lowercase str, "" when absent.
        userinfo: percent-encoded str ("user:pass"), "" when absent.
        host: str, lowercase, IDNA-encoded, IPv6 without brackets; "" when absent.
        port: int, or None when absent or equal to the scheme's default port.
        path: percent-encoded str, possibly "" (the `URL` class shows "" as "/").
        query: percent-encoded str without "?", None when there is no "?".
        fragment: percent-encoded str without "#", None when there is no "#".
    """

    scheme: str
    userinfo: str
    host: str
    port: int | None
    path: str
    query: str | None
    fragment: str | None

    @property
    def netloc(self) -> str:
        """`host` or `host:port`, with an IPv6 host in brackets (RFC 3986 §3.2.2)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port is None else f"{host}:{self.port}"

    @property
    def authority(self) -> str:
        """`[userinfo@]netloc` (RFC 3986 §3.2)."""
        return f"{self.userinfo}@{self.netloc}" if self.userinfo else self.netloc

    def copy_with(self, **kwargs: str | None) -> ParseResult:
        """Return a copy with some components replaced.

        Args:
            **kwargs: str components (or None to clear one), with the keywords of
                `urlparse`; the others are kept.

        Returns:
            A new canonical `ParseResult`, or `self` when no keyword is given.

        Raises:
            InvalidURL: a replacement is invalid.
        """
        if not kwargs:
            return self
        components: dict[str, str | None] = {
            "scheme": self.scheme,
            "authority": self.authority,
            "path": self.path,
            "query": self.query,
            "fragment": self.fragment,
        }
        components.update(kwargs)
        return urlparse("", **components)

    def __str__(self) -> str:
        authority, path = self.authority, self.path
        parts = [f"{self.scheme}:" if self.scheme else ""]
        if authority or path.startswith("//"):
            # An empty authority is written out when the path starts with "//", which
            # would otherwise be read back as an authority (RFC 3986 §3.3).
            parts.append(f"//{authority}")
        elif not self.scheme and ":" in path.partition("/")[0]:
            # "a:b" would be read back as a scheme; "./a:b" is the same path (§4.2).
            path = f"./{path}"
        parts.append(path)
        if self.query is not None:
            parts.append(f"?{self.query}")
        if self.fragment is not None:
            parts.append(f"#{self.fragment}")
        return "".join(parts)


def _check_control_characters(value: str, where: str) -> None:
    """Reject ASCII control characters (C0 and DEL): they enable request smuggling."""
    match = _CONTROL_CHAR_RE.search(value)
    if match is not None:
        char = match.group()
        raise InvalidURL(
            f"Invalid non-printable ASCII character in {where}, "
            f"{char!r} at position {match.start()}."
        )


def _check_component(key: str, value: str) -> None:
    """Validate a component given as a keyword argument, as if it stood in a URL."""
    if len(value) > MAX_URL_LENGTH:
        raise InvalidURL(f"URL component '{key}' too long")
    _check_control_characters(value, f"URL {key} component")
    if key == "scheme":
        valid = _SCHEME_RE.fullmatch(value) is not None
    elif key == "host":
        # A host is either a bracketed IP literal or contains no ":" (RFC 3986 §3.2.2).
        valid = (value.startswith("[") and value.endswith("]")) or ":" not in value
    else:
        forbidden = _FORBIDDEN_IN_COMPONENT.get(key, "")
        valid = not any(char in value for char in forbidden)
    if not valid:
        raise InvalidURL(f"Invalid URL component '{key}'")


def _split_authority(authority: str) -> tuple[str, str, str | None]:
    """Split `[userinfo@]host[:port]` into (userinfo, host, port or None)."""
    # The last "@" ends the userinfo, so an unescaped "@" in a password still parses.
    userinfo, _, hostport = authority.rpartition("@")
    if hostport.startswith("["):
        end = hostport.rfind("]")
        if end != -1:
            rest = hostport[end + 1 :]
            return userinfo, hostport[: end + 1], (rest[1:] if rest[:1] == ":" else rest) or None
    host, _, port = hostport.partition(":")
    return userinfo, host, port or None


def _prepare_kwargs(kwargs: dict[str, str | None]) -> None:
    """Turn the composite keywords (netloc, raw_path) into plain components, in place."""
    if "port" in kwargs:
        port = kwargs["port"]
        kwargs["port"] = None if port is None else str(port)
    if "netloc" in kwargs:
        netloc = kwargs.pop("netloc") or ""
        _, kwargs["host"], kwargs["port"] = _split_authority(netloc)
    if "raw_path" in kwargs:
        raw_path = kwargs.pop("raw_path") or ""
        path, separator, query = raw_path.partition("?")
        kwargs["path"], kwargs["query"] = path, (query if separator else None)
    host = kwargs.get("host")
    if host and ":" in host and not (host.startswith("[") and host.endswith("]")):
        kwargs["host"] = f"[{host}]"  # a bare IPv6 address
    for key, value in kwargs.items():
        if value is None:
            continue
        if key in ("username", "password"):
            # These are percent-encoded whole, control characters included.
            if len(value) > MAX_URL_LENGTH:
                raise InvalidURL(f"URL component '{key}' too long")
        else:
            _check_component(key, value)


def _merge_credentials(userinfo: str, kwargs: dict[str, str | None]) -> str:
    """Build the userinfo from `username`/`password` keywords over the current one."""
    old_username, _, old_password = userinfo.partition(":")
    if "username" in kwargs:
        username = _quote_username(kwargs["username"] or "")
    else:
        username = old_username
    if "password" in kwargs:
        password = _quote_username(kwargs["password"] or "")
    else:
        password = old_password
    return f"{username}:{password}" if password else username


def urlparse(url: str = "", **kwargs: str | None) -> ParseResult:
    """Parse, validate and normalise a URL reference (RFC 3986 §4.1).

    Args:
        url: str, an absolute URL or a relative reference. Default "".
        **kwargs: str components overriding those in `url`: scheme, authority, netloc,
            userinfo, username, password, host, port, path, raw_path (path plus
            "?query"), query, fragment. None clears a component. `username` and
            `password` are given unescaped; every other component may hold "%XX" escapes.

    Returns:
        The canonical `ParseResult`.

    Raises:
        InvalidURL: the URL or a component is longer than `MAX_URL_LENGTH`, holds an
            ASCII control character, has an invalid host, port or path, or a keyword
            component holds a character that would end it.
    """
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURL("URL too long")
    _check_control_characters(url, "URL")
    if kwargs:
        _prepare_kwargs(kwargs)

    match = _URL_RE.match(url)
    assert match is not None  # every group is optional, so this always matches
    scheme, authority, path, query, fragment = match.groups()
    if kwargs:
        scheme = kwargs.get("scheme", scheme)
        authority = kwargs.get("authority", authority)
        path = kwargs.get("path", path)
        query = kwargs.get("query", query)
        fragment = kwargs.get("fragment", fragment)

    userinfo, host, port = _split_authority(authority) if authority else ("", "", None)
    if kwargs:
        userinfo = kwargs.get("userinfo", userinfo) or ""
        if "username" in kwargs or "password" in kwargs:
            userinfo = _merge_credentials(userinfo, kwargs)
        host = kwargs.get("host", host) or ""
        port = kwargs.get("port", port)

    scheme = scheme.lower() if scheme else ""
    userinfo = _quote_userinfo(userinfo)
    host = encode_host(host)
    port_number = normalize_port(port, scheme)
    path = path or ""
    has_authority = bool(userinfo or host) or port_number is not None
    _validate_path(path, has_scheme=bool(scheme), has_authority=has_authority)
    if scheme or has_authority:
        path = remove_dot_segments(path)
    return ParseResult(
        scheme,
        userinfo,
        host,
        port_number,
        _quote_path(path),
        None if query is None else _quote_query(query),
        None if fragment is None else _quote_fragment(fragment),
    )


def encode_host(host: str) -> str:
    """Validate a host and return its canonical ASCII form (RFC 3986 §3.2.2).

    Args:
        host: str as written in a URL: a reg-name, an IPv4 address, a bracketed IPv6
            address ("[::1]"), or an internationalised domain name.

    Returns:
        The lowercased, percent-escaped reg-name; the IPv4 address; the IPv6 address
        without brackets; or the IDNA "xn--" form of an internationalised name.

    Raises:
        InvalidURL: an invalid IPv4 or IPv6 address, a name IDNA rejects, or a name with
            a label over 63 characters or over 253 characters in all (RFC 1035 §2.3.4).
    """
    if not host:
        return ""
    if host.isascii():
        if _IPV4_STYLE_RE.fullmatch(host):
            try:
                ipaddress.IPv4Address(host)
            except ValueError:
                raise InvalidURL(f"Invalid IPv4 address: {host!r}") from None
            return host
        if host.startswith("[") and host.endswith("]"):
            try:
                ipaddress.IPv6Address(host[1:-1])
            except ValueError:
                raise InvalidURL(f"Invalid IPv6 address: {host!r}") from None
            return host[1:-1]
        host = host.lower()
        if "%" in host:
            # Escapes stay uppercase (RFC 3986 §6.2.2.1), so canonical output re-parses
            # to itself.
            host = _PERCENT_ESCAPE_RE.sub(_upper, host)
        return _check_dns_lengths(_quote_host(host))
    return _check_dns_lengths(_idna_encode(host))


#: Longest DNS label and name, in characters (RFC 1035 §2.3.4; 253 without the final dot).
_MAX_LABEL_LENGTH = 63
_MAX_HOST_LENGTH = 253


def _check_dns_lengths(host: str) -> str:
    """Return `host`, refusing a name that no resolver accepts.

    Without this, the resolver's own refusal surfaces as a bare UnicodeError at connect time.

    Raises:
        InvalidURL: a label is over 63 characters, or the name over 253.
    """
    if len(host) <= _MAX_LABEL_LENGTH:  # the common case: nothing to split
        return host
    if len(host.removesuffix(".")) > _MAX_HOST_LENGTH:
        raise InvalidURL(f"Invalid host: {len(host)} characters, over {_MAX_HOST_LENGTH}")
    if any(len(label) > _MAX_LABEL_LENGTH for label in host.split(".")):
        raise InvalidURL(f"Invalid host: a label is longer than {_MAX_LABEL_LENGTH} characters")
    return host


def _upper(match: re.Match[str]) -> str:
    return match.group().upper()


@functools.lru_cache(maxsize=512)
def _idna_encode(host: str) -> str:
    """IDNA-encode a non-ASCII host; cached because clients revisit the same hosts."""
    import idna  # lazily: ASCII hosts (most) never need it, and it costs ~1.5 ms to import

    try:
        # UTS #46 maps case and compatibility forms the way browsers do; the
        # non-transitional default keeps "ß" rather than mapping it to "ss".
        return idna.encode(host, uts46=True).decode("ascii")
    except UnicodeError:  # idna.IDNAError is a UnicodeError
        raise InvalidURL(f"Invalid IDNA hostname: {host!r}") from None


@functools.lru_cache(maxsize=512)
def decode_host(host: str) -> str:
    """Return `host` with each "xn--" label decoded to Unicode, for display.

    Args:
        host: str, a canonical ASCII host as found in `ParseResult.host`.

    Returns:
        The str with IDNA A-labels decoded; a label that is not valid IDNA is kept as is.
    """
    if "xn--" not in host:
        return host
    import idna  # lazily, as in `_idna_encode`

    labels = host.split(".")
    for index, label in enumerate(labels):
        if label.startswith("xn--"):
            try:
                labels[index] = idna.decode(label)
            except UnicodeError:
                pass  # show the raw A-label rather than fail a property read
    return ".".join(labels)


def normalize_port(port: str | int | None, scheme: str) -> int | None:
    """Validate a port and drop it when it is the scheme's default (RFC 3986 §3.2.3).

    Args:
        port: str of ASCII digits, int, or None/"" for no port.
        scheme: str, the lowercase scheme whose default port is dropped.

    Returns:
        The port as an int, or None when absent or equal to `DEFAULT_PORTS[scheme]`.

    Raises:
        InvalidURL: the port is not ASCII digits or is above 65535.
    """
    if port is None or port == "":
        return None
    if isinstance(port, int):
        number = port
    elif port.isascii() and port.isdigit():
        number = int(port)
    else:
        raise InvalidURL(f"Invalid port: {port!r}")
    if not 0 <= number <= 65535:
        raise InvalidURL(f"Invalid port: {port!r}")
    return None if DEFAULT_PORTS.get(scheme) == number else number


def _validate_path(path: str, *, has_scheme: bool, has_authority: bool) -> None:
    """Apply the path rules of RFC 3986 §3.3 that depend on scheme and authority."""
    if has_authority:
        if path and not path.startswith("/"):
            raise InvalidURL("For absolute URLs, path must be empty or begin with '/'")
    elif not has_scheme:
        # Otherwise "//x" would read back as an authority, and "a:b" as a scheme (§4.2).
        if path.startswith("//"):
            raise InvalidURL("Relative URLs cannot have a path starting with '//'")
        if path.startswith(":"):
            raise InvalidURL("Relative URLs cannot have a path starting with ':'")


def remove_dot_segments(path: str) -> str:
    """Remove "." and ".." segments from a path (RFC 3986 §5.2.4).

    Args:
        path: str, a percent-encoded or plain path.

    Returns:
        The str path without dot segments; a final "." or ".." leaves a trailing "/",
        and ".." never climbs above the root.

    Example:
        >>> remove_dot_segments("/a/b/c/./../../g")
        '/a/g'
        >>> remove_dot_segments("/a/b/..")
        '/a/'
    """
    if "." not in path:
        return path
    segments = path.split("/")
    if "." not in segments and ".." not in segments:
        return path
    output: list[str] = []
    for segment in segments:
        if segment == ".":
            continue
        if segment == "..":
            # Keep the empty first segment of an absolute path: it is the root.
            if output and output != [""]:
                output.pop()
            continue
        output.append(segment)
    if segments[-1] in (".", ".."):
        output.append("")
    return "/".join(output)


def resolve(base: ParseResult, reference: ParseResult) -> ParseResult:
    """Resolve a reference against a base URL (RFC 3986 §5.2.2, strict parser).

    Args:
        base: the `ParseResult` of the base URL.
        reference: the `ParseResult` of the reference; a relative reference keeps its
            dot segments, which this resolves.

    Returns:
        The canonical `ParseResult` of the target URL.

    Raises:
        InvalidURL: the combined components do not form a valid URL.
    """
    ref_authority = reference.authority
    if reference.scheme:
        scheme, authority = reference.scheme, ref_authority
        path, query = remove_dot_segments(reference.path), reference.query
    elif ref_authority:
        scheme, authority = base.scheme, ref_authority
        path, query = remove_dot_segments(reference.path), reference.query
    else:
        scheme, authority = base.scheme, base.authority
        if not reference.path:
            path = base.path
            query = base.query if reference.query is None else reference.query
        else:
            if reference.path.startswith("/"):
                path = reference.path
            elif authority and not base.path:
                path = "/" + reference.path  # RFC 3986 §5.2.3, first case
            else:
                path = base.path[: base.path.rfind("/") + 1] + reference.path
            path, query = remove_dot_segments(path), reference.query
    # Re-parse the pieces so the port is normalised against the *target* scheme.
    return urlparse(
        "",
        scheme=scheme,
        authority=authority,
        path=path,
        query=query,
        fragment=reference.fragment,
    )
