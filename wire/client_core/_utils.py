"""Mount patterns (`URLPattern`) and proxy settings from the environment.

`URLPattern` implements httpx's `mounts=` keys: "all://", "http://", "https://example.com",
"all://*.example.com", "all://*example.com", "http://example.com:1234". More specific patterns
sort first, so the first match in a sorted list is the one to use. Beyond httpx, the host may
be an IP address or a CIDR range ("all://10.0.0.0/8", "all://[::1]", "all://fe80::/10"), which
matches URLs whose host is an IP literal inside it: NO_PROXY entries use this (curl's rules).
"""

from __future__ import annotations

import ipaddress
import os
import re
import sys
from typing import Any

from ._urls import URL

__all__ = ["URLPattern", "get_environment_proxies"]


class URLPattern:
    """A pattern that matches URLs by scheme, host (with `*` wildcards) and port.

    Args:
        pattern: str such as "all://", "https://", "all://*.example.com:8080".

    Raises:
        ValueError: when the pattern has no "://".

    Example:
        assert URLPattern("all://*.example.com").matches(URL("http://www.example.com"))
    """

    def __init__(self, pattern: str) -> None:
        if pattern and ":" not in pattern:
            raise ValueError(
                f"Proxy keys should use proper URL forms rather than plain scheme strings. "
                f'Instead of "{pattern}", use "{pattern}://"'
            )
        scheme, _, rest = pattern.partition("://")
        self.network = _ip_network(rest) if rest else None
        self.host_regex: re.Pattern[str] | None
        if self.network is not None:
            self.pattern = pattern
            self.scheme = "" if scheme == "all" else scheme
            self.host = str(self.network)
            self.port = None
            self.host_regex = None
            return
        url = URL(pattern)
        self.pattern = pattern
        self.scheme = "" if url.scheme == "all" else url.scheme
        self.host = "" if url.host == "*" else url.host
        self.port = url.port
        if not url.host or url.host == "*":
            self.host_regex = None
        elif url.host.startswith("*."):
            # *.example.com matches subdomains only
            self.host_regex = re.compile(r"^.+\." + re.escape(url.host[2:]) + "$")
        elif url.host.startswith("*"):
            # *example.com matches example.com and its subdomains
            self.host_regex = re.compile(r"^(.+\.)?" + re.escape(url.host[1:]) + "$")
        else:
            self.host_regex = re.compile("^" + re.escape(url.host) + "$")

    def matches(self, other: URL) -> bool:
        """True when `other` (an absolute `URL`) matches this pattern."""
        if self.scheme and self.scheme != other.scheme:
            return False
        if self.network is not None:
            try:
                return ipaddress.ip_address(other.host) in self.network
            except ValueError:  # a name, not an IP literal: NO_PROXY ranges never resolve names
                return False
        if self.host and self.host_regex is not None and not self.host_regex.match(other.host):
            return False
        return self.port is None or self.port == other.port

    @property
    def priority(self) -> tuple[int, int, int]:
        """Sort key: a port beats no port, a longer host beats a shorter, a scheme beats none."""
        port_priority = 0 if self.port is not None else 1
        host_priority = -len(self.host)
        scheme_priority = -len(self.scheme)
        return (port_priority, host_priority, scheme_priority)

    def __hash__(self) -> int:
        return hash(self.pattern)

    def __lt__(self, other: URLPattern) -> bool:
        return self.priority < other.priority

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, URLPattern) and self.pattern == other.pattern

    def __repr__(self) -> str:
        return f"URLPattern({self.pattern!r})"


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _ip_network(value: str) -> IPNetwork | None:
    """`value` as an IP network: "10.1.2.3", "10.0.0.0/8", "::1", "[::1]", "[fe80::]/10"."""
    address, slash, prefix = value.partition("/")
    if address.startswith("[") and address.endswith("]"):
        address = address[1:-1]
    try:
        return ipaddress.ip_network(address + slash + prefix, strict=False)
    except ValueError:
        return None


def _may_name_proxies() -> bool:
    """False when `urllib.request.getproxies()` is sure to find no proxy.

    On POSIX systems other than macOS it reads only environment variables whose lower-cased
    name ends in "_proxy" and whose value is not empty; with none of them its answer is {},
    so the costly `urllib.request` import can be skipped. macOS and Windows read system
    settings too: there the answer is always looked up.
    """
    if sys.platform in ("darwin", "win32") or os.name == "nt":
        return True
    return any(value and name[-6:].lower() == "_proxy" for name, value in os.environ.items())


def get_environment_proxies() -> dict[str, str | None]:
    """Proxy mounts from HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY (either case).

    NO_PROXY follows curl: a comma-separated list where "*" disables every proxy; a name
    matches itself and its subdomains ("example.com" and ".example.com" both match
    "www.example.com", not "badexample.com"); an IP address matches that address; a CIDR range
    ("10.0.0.0/8", "fd00::/8") matches the IP literals inside it. Names are not resolved.

    Returns:
        A dict from mount pattern (str, e.g. "http://", "all://*example.com") to a proxy URL
        str, or None for hosts that NO_PROXY excludes.
    """
    if not _may_name_proxies():
        return {}
    from urllib.request import getproxies  # heavy (imports email, ~15 ms): only when needed

    proxy_info = getproxies()
    mounts: dict[str, str | None] = {}
    for scheme in ("http", "https", "all"):
        if proxy_info.get(scheme):
            hostname = proxy_info[scheme]
            mounts[f"{scheme}://"] = hostname if "://" in hostname else f"http://{hostname}"
    no_proxy_hosts = [h.strip() for h in proxy_info.get("no", "").split(",")]
    for hostname in no_proxy_hosts:
        if hostname == "*":
            return {}
        if not hostname:
            continue
        if "://" in hostname:
            mounts[hostname] = None
        elif _ip_network(hostname) is not None:
            mounts[f"all://{hostname}"] = None
        elif hostname.lower() == "localhost":
            mounts[f"all://{hostname}"] = None
        else:
            mounts[f"all://*{hostname.lstrip('.')}"] = None
    return mounts


def environ_flag(name: str) -> bool:
    """True when the environment variable `name` is set to a non-empty value."""
    return bool(os.environ.get(name))


def current_async_library() -> str:
    """"asyncio" or "trio": the async library running the caller (via sniffio).

    Raises:
        sniffio.AsyncLibraryNotFoundError: outside any async library's event loop.
    """
    try:
        import sniffio
    except ImportError:  # pragma: no cover - sniffio comes with anyio and trio
        return "asyncio"
    return str(sniffio.current_async_library())
