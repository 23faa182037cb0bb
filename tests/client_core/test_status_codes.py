"""codes: the status code IntEnum, its phrases, lower-case aliases and range predicates."""

from __future__ import annotations

import http

import pytest

from wire.client_core._status_codes import codes


@pytest.mark.parametrize(
    ("member", "value", "phrase"),
    [
        (codes.CONTINUE, 100, "Continue"),
        (codes.EARLY_HINTS, 103, "Early Hints"),
        (codes.OK, 200, "OK"),
        (codes.NO_CONTENT, 204, "No Content"),
        (codes.IM_USED, 226, "IM Used"),
        (codes.MOVED_PERMANENTLY, 301, "Moved Permanently"),
        (codes.PERMANENT_REDIRECT, 308, "Permanent Redirect"),
        (codes.NOT_FOUND, 404, "Not Found"),
        (codes.REQUEST_ENTITY_TOO_LARGE, 413, "Request Entity Too Large"),
        (codes.REQUEST_URI_TOO_LONG, 414, "Request-URI Too Long"),
        (codes.REQUESTED_RANGE_NOT_SATISFIABLE, 416, "Requested Range Not Satisfiable"),
        (codes.IM_A_TEAPOT, 418, "I'm a teapot"),
        (codes.UNPROCESSABLE_ENTITY, 422, "Unprocessable Entity"),
        (codes.TOO_EARLY, 425, "Too Early"),
        (codes.UNAVAILABLE_FOR_LEGAL_REASONS, 451, "Unavailable For Legal Reasons"),
        (codes.INTERNAL_SERVER_ERROR, 500, "Internal Server Error"),
        (codes.NETWORK_AUTHENTICATION_REQUIRED, 511, "Network Authentication Required"),
    ],
)
def test_member_value_phrase_and_str(member: codes, value: int, phrase: str) -> None:
    assert member == value
    assert codes(value) is member
    assert member.phrase == phrase
    assert codes.get_reason_phrase(value) == phrase
    assert str(member) == str(value)
    assert f"{member}" == str(value)


def test_every_standard_code_known_to_python_is_present() -> None:
    # http.HTTPStatus follows the IANA registry; every code it knows has a member here.
    assert {status.value for status in http.HTTPStatus} - {code.value for code in codes} == set()
    assert len(codes) == 62


@pytest.mark.parametrize("value", [0, 99, 299, 419, 499, 599, 600, 999])
def test_unknown_code_has_empty_reason_phrase(value: int) -> None:
    assert codes.get_reason_phrase(value) == ""


@pytest.mark.parametrize(
    ("alias", "member"),
    [
        ("ok", codes.OK),
        ("not_found", codes.NOT_FOUND),
        ("im_a_teapot", codes.IM_A_TEAPOT),
        ("internal_server_error", codes.INTERNAL_SERVER_ERROR),
        ("temporary_redirect", codes.TEMPORARY_REDIRECT),
    ],
)
def test_lower_case_aliases_are_plain_ints(alias: str, member: codes) -> None:
    value = getattr(codes, alias)
    assert value == member
    assert type(value) is int
    # Aliases are not members: iterating yields each code once, upper-case only.
    assert alias not in codes.__members__


@pytest.mark.parametrize(
    ("value", "informational", "success", "redirect", "client", "server", "error"),
    [
        (100, True, False, False, False, False, False),
        (199, True, False, False, False, False, False),
        (200, False, True, False, False, False, False),
        (299, False, True, False, False, False, False),
        (300, False, False, True, False, False, False),
        (399, False, False, True, False, False, False),
        (400, False, False, False, True, False, True),
        (499, False, False, False, True, False, True),
        (500, False, False, False, False, True, True),
        (599, False, False, False, False, True, True),
        (99, False, False, False, False, False, False),
        (600, False, False, False, False, False, False),
    ],
)
def test_range_predicates(
    value: int,
    informational: bool,
    success: bool,
    redirect: bool,
    client: bool,
    server: bool,
    error: bool,
) -> None:
    assert codes.is_informational(value) is informational
    assert codes.is_success(value) is success
    assert codes.is_redirect(value) is redirect
    assert codes.is_client_error(value) is client
    assert codes.is_server_error(value) is server
    assert codes.is_error(value) is error


def test_members_work_as_ints() -> None:
    assert codes.OK + 1 == 201
    assert sorted([codes.NOT_FOUND, codes.OK]) == [200, 404]
    assert {200: "x"}[codes.OK] == "x"
    assert repr(codes.NOT_FOUND) == "<codes.NOT_FOUND: 404>"
