"""Authentication as I/O-free generators: `Auth.auth_flow` yields requests, receives responses.

Strategy: an auth scheme is a generator. The client sends each yielded `Request` and sends the
`Response` back into the generator; the last response the generator saw is the one returned.
The same generator therefore serves `Client` and `AsyncClient`. When a flow must see a body
(`requires_request_body` / `requires_response_body`), the client reads it before resuming.
"""

from __future__ import annotations

import os
import re
import time
import typing
from base64 import b64encode
from collections.abc import AsyncGenerator, Callable, Generator

from ._exceptions import ProtocolError

if typing.TYPE_CHECKING:  # pragma: no cover
    from ._models import Request, Response

__all__ = ["Auth", "BasicAuth", "DigestAuth", "FunctionAuth", "NetRCAuth"]


class Auth:
    """Base class for authentication schemes.

    Subclasses override `auth_flow(request)`, a generator that may modify the request, yield
    it, receive the `Response`, and yield further requests (e.g. a challenge-response retry).

    Set the class attributes `requires_request_body` / `requires_response_body` to True when
    the flow needs `request.content` / `response.content` (the client then reads them).
    """

    requires_request_body = False
    requires_response_body = False

    def auth_flow(self, request: Request) -> Generator[Request, Response, None]:
        """Yield the request(s) to send; receive each response via `generator.send()`.

        Args:
            request: the outgoing `Request`; may be modified in place.

        Yields:
            `Request` objects to send.
        """
        yield request

    def sync_auth_flow(self, request: Request) -> Generator[Request, Response, None]:
        """Run `auth_flow` for `Client`, reading bodies the flow declares it needs.

        Override this instead of `auth_flow` only when a flow must do blocking I/O itself.
        """
        if self.requires_request_body:
            request.read()
        flow = self.auth_flow(request)
        request = next(flow)
        while True:
            response = yield request
            if self.requires_response_body:
                response.read()
            try:
                request = flow.send(response)
            except StopIteration:
                break

    async def async_auth_flow(self, request: Request) -> AsyncGenerator[Request, Response]:
        """Run `auth_flow` for `AsyncClient`, reading bodies the flow declares it needs.

        Override this instead of `auth_flow` only when a flow must await I/O itself.
        """
        if self.requires_request_body:
            await request.aread()
        flow = self.auth_flow(request)
        request = next(flow)
        while True:
            response = yield request
            if self.requires_response_body:
                await response.aread()
            try:
                request = flow.send(response)
            except StopIteration:
                break


class FunctionAuth(Auth):
    """Auth from a plain callable `(Request) -> Request`, called once per request.

    Args:
        func: a callable that takes a `Request` and returns it (usually modified).
    """

    def __init__(self, func: Callable[[Request], Request]) -> None:
        self._func = func

    def auth_flow(self, request: Request) -> Generator[Request, Response, None]:
        """Yield `func(request)`."""
        yield self._func(request)


def _basic_auth_header(username: str | bytes, password: str | bytes) -> str:
    user = username.encode("latin-1") if isinstance(username, str) else username
    pwd = password.encode("latin-1") if isinstance(password, str) else password
    return "Basic " + b64encode(b":".join((user, pwd))).decode("ascii")


class BasicAuth(Auth):
    """HTTP Basic authentication (RFC 7617): `Authorization: Basic base64(user:pass)`.

    Args:
        username: str (encoded latin-1, as httpx) or bytes.
        password: str (encoded latin-1) or bytes.

    Raises:
        UnicodeEncodeError: when a str credential has characters outside latin-1; pass bytes.
    """

    def __init__(self, username: str | bytes, password: str | bytes) -> None:
        self._auth_header = _basic_auth_header(username, password)

    def auth_flow(self, request: Request) -> Generator[Request, Response, None]:
        """Set the Authorization header and send the request once."""
        request.headers["Authorization"] = self._auth_header
        yield request


class NetRCAuth(Auth):
    """Basic credentials looked up by host in a netrc file.

    Args:
        file: path (str) of the netrc file; None reads ~/.netrc (as httpx; $NETRC is not read).

    Raises:
        FileNotFoundError: when the file does not exist.
        netrc.NetrcParseError: when the file cannot be parsed.
    """

    def __init__(self, file: str | None = None) -> None:
        import netrc  # lazily: only this class reads netrc files

        self._netrc_info = netrc.netrc(file)

    def auth_flow(self, request: Request) -> Generator[Request, Response, None]:
        """Add Basic credentials when the file has an entry for the request's host."""
        auth_info = self._netrc_info.authenticators(request.url.host)
        if auth_info is None or not auth_info[2]:
            yield request
        else:
            request.headers["Authorization"] = _basic_auth_header(auth_info[0], auth_info[2])
            yield request


#: Digest algorithm (RFC 7616 §6.1) -> the `hashlib` constructor's name. hashlib is imported
#: when a challenge is answered, not with the module (start-up time).
_DIGEST_ALGORITHMS: dict[str, str] = {
    "MD5": "md5",
    "MD5-SESS": "md5",
    "SHA": "sha1",
    "SHA-SESS": "sha1",
    "SHA-256": "sha256",
    "SHA-256-SESS": "sha256",
    "SHA-512": "sha512",
    "SHA-512-SESS": "sha512",
}


class _DigestChallenge(typing.NamedTuple):
    realm: bytes
    nonce: bytes
    algorithm: str
    opaque: bytes | None
    qop: bytes | None


class DigestAuth(Auth):
    """HTTP Digest authentication (RFC 7616), with MD5, SHA, SHA-256, SHA-512 and -sess.

    The first request goes without credentials; on a 401 with a Digest challenge the request is
    retried once with an Authorization header. Later requests reuse the challenge with an
    incremented nonce count; a 401 with `stale=true` triggers one fresh retry.

    Args:
        username: str or bytes (str is encoded UTF-8).
        password: str or bytes (str is encoded UTF-8).

    Raises:
        ProtocolError: when the challenge is malformed or asks for an unsupported qop.
    """

    def __init__(self, username: str | bytes, password: str | bytes) -> None:
        self._username = username.encode("utf-8") if isinstance(username, str) else username
        self._password = password.encode("utf-8") if isinstance(password, str) else password
        self._last_challenge: _DigestChallenge | None = None
        self._nonce_count = 1

    def auth_flow(self, request: Request) -> Generator[Request, Response, None]:
        """Send, answer a Digest challenge once, and retry once more on a stale nonce."""
        if self._last_challenge:
            request.headers["Authorization"] = self._build_auth_header(
                request, self._last_challenge
            )
        response = yield request
        # One answer to the challenge, plus one more only when the server says the nonce we
        # used was stale (RFC 7616 §3.3): never an unbounded loop of 401s.
        for attempt in range(2):
            if response.status_code != 401 or "www-authenticate" not in response.headers:
                return
            challenge = self._find_digest_challenge(response)
            if challenge is None:
                return
            if attempt == 1 and not re.search(r"stale\s*=\s*\"?true", challenge, re.I):
                return
            self._last_challenge = self._parse_challenge(request, response, challenge)
            self._nonce_count = 1
            request.headers["Authorization"] = self._build_auth_header(
                request, self._last_challenge
            )
            self._carry_challenge_cookies(request, response)
            response = yield request

    @staticmethod
    def _carry_challenge_cookies(request: Request, response: Response) -> None:
        """Send the cookies the 401 set with the answer, over older values of the same name.

        Servers that track a challenge in a cookie (httpbin's stale nonces) need the new
        value; the client's jar only sees it after the flow ends.
        """
        if not response.cookies:
            return
        from ._redirects import merge_cookie_headers

        fresh = "; ".join(f"{c.name}={c.value}" for c in response.cookies.jar)
        merged = merge_cookie_headers(request.headers.get("Cookie"), fresh)
        if merged is not None:
            request.headers["Cookie"] = merged

    @staticmethod
    def _find_digest_challenge(response: Response) -> str | None:
        for value in response.headers.get_list("www-authenticate"):
            scheme, _, rest = value.partition(" ")
            if scheme.lower() == "digest":
                return rest
        return None

    def _parse_challenge(
        self, request: Request, response: Response, fields: str
    ) -> _DigestChallenge:
        from urllib.request import parse_http_list  # lazily: only Digest challenges need it

        header_dict: dict[str, str] = {}
        for field in parse_http_list(fields):
            key, _, value = field.strip().partition("=")
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            header_dict[key.strip().lower()] = value
        try:
            realm = header_dict["realm"].encode()
            nonce = header_dict["nonce"].encode()
        except KeyError as exc:
            message = "Malformed Digest WWW-Authenticate header"
            raise ProtocolError(message, request=request) from exc
        algorithm = header_dict.get("algorithm", "MD5")
        opaque = header_dict["opaque"].encode() if "opaque" in header_dict else None
        qop = header_dict["qop"].encode() if "qop" in header_dict else None
        return _DigestChallenge(realm, nonce, algorithm, opaque, qop)

    def _build_auth_header(self, request: Request, challenge: _DigestChallenge) -> str:
        algorithm = challenge.algorithm.upper()
        if algorithm not in _DIGEST_ALGORITHMS:
            raise ProtocolError(f"Unsupported Digest algorithm {challenge.algorithm!r}",
                                request=request)
        import hashlib

        hash_func: Callable[[bytes], typing.Any] = getattr(hashlib, _DIGEST_ALGORITHMS[algorithm])

        def digest(data: bytes) -> bytes:
            return hash_func(data).hexdigest().encode()  # type: ignore[no-any-return]

        a1 = b":".join((self._username, challenge.realm, self._password))
        path = request.url.raw_path
        a2 = b":".join((request.method.encode(), path))
        ha2 = digest(a2)
        nc_value = b"%08x" % self._nonce_count
        cnonce = hashlib.sha1(
            b"".join((str(self._nonce_count).encode(), challenge.nonce,
                      time.ctime().encode(), os.urandom(8)))
        ).hexdigest()[:16].encode()
        self._nonce_count += 1
        ha1 = digest(a1)
        if algorithm.endswith("-SESS"):
            ha1 = digest(b":".join((ha1, challenge.nonce, cnonce)))
        qop = self._resolve_qop(challenge.qop, request)
        if qop is None:
            response = digest(b":".join((ha1, challenge.nonce, ha2)))
        else:
            response = digest(b":".join((ha1, challenge.nonce, nc_value, cnonce, qop, ha2)))
        fields: dict[str, bytes] = {
            "username": self._username,
            "realm": challenge.realm,
            "nonce": challenge.nonce,
            "uri": path,
            "response": response,
            "algorithm": challenge.algorithm.encode(),
        }
        if challenge.opaque:
            fields["opaque"] = challenge.opaque
        if qop:
            fields["qop"] = b"auth"
            fields["nc"] = nc_value
            fields["cnonce"] = cnonce
        elif algorithm.endswith("-SESS"):
            # The session key above includes cnonce: without it the server cannot check the
            # answer (RFC 2617 §3.2.2.2), even when no qop was offered.
            fields["cnonce"] = cnonce
        return "Digest " + self._join_fields(fields)

    @staticmethod
    def _join_fields(fields: dict[str, bytes]) -> str:
        unquoted = ("qop", "nc", "algorithm")
        parts = []
        for key, value in fields.items():
            text = value.decode()
            if key in unquoted:
                parts.append(f"{key}={text}")
            else:
                parts.append(f'{key}="{text}"')
        return ", ".join(parts)

    @staticmethod
    def _resolve_qop(qop: bytes | None, request: Request) -> bytes | None:
        if qop is None:
            return None
        qops = [q.strip() for q in re.split(b", ?", qop)]
        if b"auth" in qops:
            return b"auth"
        if qops == [b"auth-int"]:
            raise NotImplementedError("Digest auth-int support is not yet implemented")
        raise ProtocolError(f'Unexpected qop value "{qop!r}" in digest auth', request=request)
