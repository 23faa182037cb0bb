"""Authentication: Basic (tuple, BasicAuth, URL userinfo), FunctionAuth, custom Auth flows,
and Digest (RFC 7616) against httpbin and against a MockTransport server that checks every
field of the Authorization header."""

from __future__ import annotations

import base64
import hashlib
import typing
from collections.abc import Generator
from urllib.request import parse_http_list

import pytest

import wire
from tests.servers import LocalServer


def echo_auth(request: wire.Request) -> wire.Response:
    return wire.Response(200, text=request.headers.get("Authorization", "-"))


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode("latin-1")).decode()


@pytest.mark.parametrize(
    ("client_auth", "request_auth", "url", "expected"),
    [
        (("user", "pass"), wire.USE_CLIENT_DEFAULT, "https://e.org/", basic("user", "pass")),
        (None, ("a", "b"), "https://e.org/", basic("a", "b")),
        (None, wire.BasicAuth("café", "pässword"), "https://e.org/", basic("café", "pässword")),
        (("user", "pass"), None, "https://e.org/", "-"),
        (None, wire.USE_CLIENT_DEFAULT, "https://u:p@e.org/", basic("u", "p")),
        (("user", "pass"), ("x", "y"), "https://e.org/", basic("x", "y")),
    ],
)
def test_basic_auth_forms(
    client_auth: typing.Any, request_auth: typing.Any, url: str, expected: str
) -> None:
    with wire.Client(transport=wire.MockTransport(echo_auth), auth=client_auth) as client:
        assert client.get(url, auth=request_auth).text == expected


def test_function_auth_and_plain_callable() -> None:
    def token(request: wire.Request) -> wire.Request:
        request.headers["Authorization"] = "Token abc"
        return request

    with wire.Client(transport=wire.MockTransport(echo_auth)) as client:
        assert client.get("https://e.org/", auth=token).text == "Token abc"
        assert client.get("https://e.org/", auth=wire.FunctionAuth(token)).text == "Token abc"
    assert isinstance(wire.Client(auth=token).auth, wire.FunctionAuth)


class TwoStepAuth(wire.Auth):
    """Sends a request, reads the body of the answer, then sends a second one with it."""

    requires_response_body = True

    def auth_flow(self, request: wire.Request) -> Generator[wire.Request, wire.Response, None]:
        response = yield request
        # requires_response_body: the client has read the body before resuming the flow.
        request.headers["X-Token"] = response.text
        yield request


def two_step_server(request: wire.Request) -> wire.Response:
    if "X-Token" not in request.headers:
        return wire.Response(401, content=iter([b"tok", b"en-1"]))
    return wire.Response(200, text=f"got {request.headers['X-Token']}")


def test_custom_auth_flow_two_requests() -> None:
    with wire.Client(transport=wire.MockTransport(two_step_server)) as client:
        response = client.get("https://e.org/", auth=TwoStepAuth())
    assert response.text == "got token-1"
    assert [r.status_code for r in response.history] == [401]
    assert response.history[0].text == "token-1"


@pytest.fixture
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return typing.cast(str, request.param)


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"], indirect=True)
@pytest.mark.anyio
async def test_custom_auth_flow_async(anyio_backend: str) -> None:
    async def body() -> typing.AsyncIterator[bytes]:
        yield b"token-2"

    def handler(request: wire.Request) -> wire.Response:
        if "X-Token" not in request.headers:
            return wire.Response(401, content=body())
        return wire.Response(200, text=f"got {request.headers['X-Token']}")

    async with wire.AsyncClient(transport=wire.MockTransport(handler)) as client:
        response = await client.get("https://e.org/", auth=TwoStepAuth())
    assert response.text == "got token-2"
    assert len(response.history) == 1


class RequestBodyAuth(wire.Auth):
    requires_request_body = True

    def auth_flow(self, request: wire.Request) -> Generator[wire.Request, wire.Response, None]:
        request.headers["X-Body-Hash"] = hashlib.sha256(request.content).hexdigest()
        yield request


def test_requires_request_body_reads_a_streamed_body() -> None:
    def handler(request: wire.Request) -> wire.Response:
        return wire.Response(200, text=request.headers["X-Body-Hash"])

    with wire.Client(transport=wire.MockTransport(handler)) as client:
        response = client.post(
            "https://e.org/", content=iter([b"ab", b"c"]), auth=RequestBodyAuth()
        )
    assert response.text == hashlib.sha256(b"abc").hexdigest()


def test_basic_auth_against_the_test_server(server: LocalServer) -> None:
    with wire.Client() as client:
        ok = client.get(server.join("/basic-auth/alice/s3cret"), auth=("alice", "s3cret"))
        denied = client.get(server.join("/basic-auth/alice/s3cret"), auth=("alice", "wrong"))
    assert ok.json() == {"authenticated": True, "user": "alice"}
    assert denied.status_code == 401


# --- Digest against httpbin -----------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256", "SHA-512"])
@pytest.mark.parametrize("qop", ["auth", "none"])
def test_digest_auth_httpbin(httpbin: LocalServer, algorithm: str, qop: str) -> None:
    # httpbin offers "auth, auth-int" when qop is not auth/auth-int: the client picks auth.
    url = httpbin.join(f"/digest-auth/{qop}/user/passwd/{algorithm}")
    with wire.Client() as client:
        response = client.get(url, auth=wire.DigestAuth("user", "passwd"))
        wrong = client.get(url, auth=wire.DigestAuth("user", "nope"))
    assert response.status_code == 200
    assert response.json() == {"authenticated": True, "user": "user"}
    assert [r.status_code for r in response.history] == [401]
    assert response.request.headers["Authorization"].startswith("Digest ")
    assert f"algorithm={algorithm}" in response.request.headers["Authorization"]
    assert wrong.status_code == 401
    assert len(wrong.history) == 1


def test_digest_auth_httpbin_async(httpbin: LocalServer) -> None:
    import asyncio

    async def main() -> wire.Response:
        async with wire.AsyncClient() as client:
            return await client.get(
                httpbin.join("/digest-auth/auth/user/passwd/SHA-256"),
                auth=wire.DigestAuth("user", "passwd"),
            )

    assert asyncio.run(main()).json()["authenticated"] is True


# --- Digest against a checking MockTransport server ----------------------------------------

HASHES = {
    "MD5": hashlib.md5, "SHA": hashlib.sha1, "SHA-256": hashlib.sha256, "SHA-512": hashlib.sha512
}


def parse_digest(header: str) -> dict[str, str]:
    scheme, _, rest = header.partition(" ")
    assert scheme == "Digest"
    fields = {}
    for item in parse_http_list(rest):
        key, _, value = item.partition("=")
        fields[key.strip()] = value.strip().strip('"')
    return fields


class DigestServer:
    """A server that issues Digest challenges and checks answers (RFC 7616 §3.4.1).

    Nonces are "n1", "n2", ...; each nonce in `stale` is answered with a fresh challenge
    marked stale=true, even when the answer to it is correct.
    """

    def __init__(
        self, algorithm: str = "MD5", qop: str | None = "auth", stale: frozenset[str] = frozenset()
    ) -> None:
        self.algorithm, self.qop, self.stale = algorithm, qop, stale
        self.nonces = 0
        self.answers: list[dict[str, str]] = []

    def challenge(self, stale: bool = False) -> wire.Response:
        self.nonces += 1
        value = f'Digest realm="test", nonce="n{self.nonces}", opaque="op"'
        value += f", algorithm={self.algorithm}"
        if self.qop:
            value += f', qop="{self.qop}"'
        if stale:
            value += ", stale=true"
        return wire.Response(401, headers={"WWW-Authenticate": value})

    def expected(self, request: wire.Request, fields: dict[str, str], password: str) -> str:
        name = self.algorithm.upper().removesuffix("-SESS")
        h = HASHES[name]

        def hexdigest(text: str) -> str:
            return h(text.encode()).hexdigest()

        ha1 = hexdigest(f"{fields['username']}:test:{password}")
        if self.algorithm.upper().endswith("-SESS"):
            ha1 = hexdigest(f"{ha1}:{fields['nonce']}:{fields['cnonce']}")
        ha2 = hexdigest(f"{request.method}:{fields['uri']}")
        if self.qop is None:
            return hexdigest(f"{ha1}:{fields['nonce']}:{ha2}")
        return hexdigest(
            f"{ha1}:{fields['nonce']}:{fields['nc']}:{fields['cnonce']}:auth:{ha2}"
        )

    def __call__(self, request: wire.Request) -> wire.Response:
        header = request.headers.get("Authorization")
        if header is None:
            return self.challenge()
        fields = parse_digest(header)
        self.answers.append(fields)
        if fields["nonce"] in self.stale:
            return self.challenge(stale=True)
        if fields["response"] != self.expected(request, fields, "passwd"):
            return self.challenge()
        assert fields["uri"] == request.url.raw_path.decode()
        assert fields["opaque"] == "op"
        return wire.Response(200, text="welcome")


@pytest.mark.parametrize(
    "algorithm",
    ["MD5", "MD5-sess", "SHA", "SHA-sess", "SHA-256", "SHA-256-sess", "SHA-512", "SHA-512-SESS"],
)
@pytest.mark.parametrize("qop", ["auth", None])
def test_digest_algorithms(algorithm: str, qop: str | None) -> None:
    server = DigestServer(algorithm=algorithm, qop=qop)
    with wire.Client(transport=wire.MockTransport(server)) as client:
        response = client.get("https://e.org/p?q=1", auth=wire.DigestAuth("user", "passwd"))
    assert response.text == "welcome"
    answer = server.answers[0]
    assert answer["uri"] == "/p?q=1"
    assert answer["algorithm"] == algorithm
    assert ("qop" in answer) is (qop is not None)


def test_digest_reuses_challenge_with_incremented_nonce_count() -> None:
    server = DigestServer()
    auth = wire.DigestAuth("user", "passwd")
    with wire.Client(transport=wire.MockTransport(server)) as client:
        first = client.get("https://e.org/a", auth=auth)
        second = client.get("https://e.org/b", auth=auth)
    assert (first.text, second.text) == ("welcome", "welcome")
    assert len(first.history) == 1 and second.history == []
    assert [a["nc"] for a in server.answers] == ["00000001", "00000002"]
    assert len({a["cnonce"] for a in server.answers}) == 2


def test_digest_stale_nonce_is_retried_exactly_once() -> None:
    server = DigestServer(stale=frozenset({"n1"}))
    with wire.Client(transport=wire.MockTransport(server)) as client:
        response = client.get("https://e.org/", auth=wire.DigestAuth("user", "passwd"))
    assert response.text == "welcome"
    assert [r.status_code for r in response.history] == [401, 401]
    assert [a["nonce"] for a in server.answers] == ["n1", "n2"]


def test_digest_stale_again_stops_after_one_retry() -> None:
    server = DigestServer(stale=frozenset({"n1", "n2", "n3"}))
    with wire.Client(transport=wire.MockTransport(server)) as client:
        response = client.get("https://e.org/", auth=wire.DigestAuth("user", "passwd"))
    assert response.status_code == 401
    # The unauthenticated request, the answer to n1, one stale retry with n2: no more.
    assert len(response.history) == 2
    assert [a["nonce"] for a in server.answers] == ["n1", "n2"]


def test_digest_wrong_password_is_not_retried() -> None:
    server = DigestServer()
    with wire.Client(transport=wire.MockTransport(server)) as client:
        response = client.get("https://e.org/", auth=wire.DigestAuth("user", "bad"))
    assert response.status_code == 401
    assert len(server.answers) == 1


def test_digest_without_challenge_returns_the_response() -> None:
    def basic_only(request: wire.Request) -> wire.Response:
        return wire.Response(401, headers={"WWW-Authenticate": 'Basic realm="x"'})

    with wire.Client(transport=wire.MockTransport(basic_only)) as client:
        response = client.get("https://e.org/", auth=wire.DigestAuth("user", "passwd"))
    assert response.status_code == 401
    assert response.history == []


def test_digest_malformed_challenge_is_a_protocol_error() -> None:
    def broken(request: wire.Request) -> wire.Response:
        return wire.Response(401, headers={"WWW-Authenticate": 'Digest realm="only"'})

    with wire.Client(transport=wire.MockTransport(broken)) as client:
        with pytest.raises(wire.ProtocolError, match="Malformed"):
            client.get("https://e.org/", auth=wire.DigestAuth("user", "passwd"))


def test_digest_stale_nonce_against_httpbin(httpbin: LocalServer) -> None:
    """httpbin marks the nonce stale after 2 uses: the flow answers the new nonce once."""
    auth = wire.DigestAuth("user", "passwd")
    url = httpbin.join("/digest-auth/auth/user/passwd/MD5/2")
    with wire.Client() as client:
        responses = [client.get(url, auth=auth) for _ in range(4)]
    assert [r.status_code for r in responses] == [200] * 4
    stale = [r for r in responses if r.history and "stale=True" in
             r.history[0].headers["WWW-Authenticate"]]
    assert stale and all(len(r.history) == 1 for r in stale)
