"""HTTP status codes and reason phrases, as httpx 0.28's `codes`.

`codes` is an `IntEnum`: each member compares equal to its integer value and
`str(member)` is the bare number, so it can be dropped into a status line:

>>> codes.NOT_FOUND
<codes.NOT_FOUND: 404>
>>> str(codes.NOT_FOUND), codes.NOT_FOUND.phrase
('404', 'Not Found')
>>> codes.get_reason_phrase(404), codes.get_reason_phrase(499)
('Not Found', '')
>>> codes.not_found  # lower-case aliases are plain ints, for `requests` compatibility
404

Names and phrases follow the IANA registry and RFC 9110 §15, with httpx's spelling
(e.g. `REQUEST_ENTITY_TOO_LARGE`, not RFC 9110's "Content Too Large").
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["codes"]


class codes(IntEnum):  # lower-case name kept for httpx compatibility
    """HTTP status codes, with their reason phrase in `.phrase` (RFC 9110 §15).

    Members are ints: `codes.OK == 200`. Lower-case aliases (`codes.ok`,
    `codes.not_found`) exist as plain `int` class attributes.

    Example:
        >>> codes(404).phrase
        'Not Found'
        >>> codes.is_error(503)
        True
    """

    phrase: str

    def __new__(cls, value: int, phrase: str = "") -> codes:
        obj = int.__new__(cls, value)
        obj._value_ = value
        obj.phrase = phrase
        return obj

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def get_reason_phrase(cls, value: int) -> str:
        """Return the reason phrase of a status code.

        Args:
            value: int, the status code (e.g. 404).

        Returns:
            str: the phrase (e.g. "Not Found"), or "" for a code not in the table.
        """
        try:
            return cls(value).phrase
        except ValueError:
            return ""

    # The range predicates take any int, known or not: RFC 9110 §15 says a client
    # must treat an unknown code as the x00 code of its class.
    @classmethod
    def is_informational(cls, value: int) -> bool:
        """Return True for 1xx (RFC 9110 §15.2).

        Args:
            value: int, a status code.

        Returns:
            bool: whether 100 <= value <= 199.
        """
        return 100 <= value <= 199

    @classmethod
    def is_success(cls, value: int) -> bool:
        """Return True for 2xx (RFC 9110 §15.3).

        Args:
            value: int, a status code.

        Returns:
            bool: whether 200 <= value <= 299.
        """
        return 200 <= value <= 299

    @classmethod
    def is_redirect(cls, value: int) -> bool:
        """Return True for 3xx (RFC 9110 §15.4).

        Args:
            value: int, a status code.

        Returns:
            bool: whether 300 <= value <= 399.
        """
        return 300 <= value <= 399

    @classmethod
    def is_client_error(cls, value: int) -> bool:
        """Return True for 4xx (RFC 9110 §15.5).

        Args:
            value: int, a status code.

        Returns:
            bool: whether 400 <= value <= 499.
        """
        return 400 <= value <= 499

    @classmethod
    def is_server_error(cls, value: int) -> bool:
        """Return True for 5xx (RFC 9110 §15.6).

        Args:
            value: int, a status code.

        Returns:
            bool: whether 500 <= value <= 599.
        """
        return 500 <= value <= 599

    @classmethod
    def is_error(cls, value: int) -> bool:
        """Return True for 4xx and 5xx.

        Args:
            value: int, a status code.

        Returns:
            bool: whether 400 <= value <= 599.
        """
        return 400 <= value <= 599

    # 1xx informational (RFC 9110 §15.2, RFC 2518, RFC 8297)
    CONTINUE = 100, "Continue"
    SWITCHING_PROTOCOLS = 101, "Switching Protocols"
    PROCESSING = 102, "Processing"
    EARLY_HINTS = 103, "Early Hints"

    # 2xx success (RFC 9110 §15.3, RFC 4918, RFC 5842, RFC 3229)
    OK = 200, "OK"
    CREATED = 201, "Created"
    ACCEPTED = 202, "Accepted"
    NON_AUTHORITATIVE_INFORMATION = 203, "Non-Authoritative Information"
    NO_CONTENT = 204, "No Content"
    RESET_CONTENT = 205, "Reset Content"
    PARTIAL_CONTENT = 206, "Partial Content"
    MULTI_STATUS = 207, "Multi-Status"
    ALREADY_REPORTED = 208, "Already Reported"
    IM_USED = 226, "IM Used"

    # 3xx redirection (RFC 9110 §15.4)
    MULTIPLE_CHOICES = 300, "Multiple Choices"
    MOVED_PERMANENTLY = 301, "Moved Permanently"
    FOUND = 302, "Found"
    SEE_OTHER = 303, "See Other"
    NOT_MODIFIED = 304, "Not Modified"
    USE_PROXY = 305, "Use Proxy"
    TEMPORARY_REDIRECT = 307, "Temporary Redirect"
    PERMANENT_REDIRECT = 308, "Permanent Redirect"

    # 4xx client error (RFC 9110 §15.5, RFC 2324, RFC 4918, RFC 6585, RFC 7725, RFC 8470)
    BAD_REQUEST = 400, "Bad Request"
    UNAUTHORIZED = 401, "Unauthorized"
    PAYMENT_REQUIRED = 402, "Payment Required"
    FORBIDDEN = 403, "Forbidden"
    NOT_FOUND = 404, "Not Found"
    METHOD_NOT_ALLOWED = 405, "Method Not Allowed"
    NOT_ACCEPTABLE = 406, "Not Acceptable"
    PROXY_AUTHENTICATION_REQUIRED = 407, "Proxy Authentication Required"
    REQUEST_TIMEOUT = 408, "Request Timeout"
    CONFLICT = 409, "Conflict"
    GONE = 410, "Gone"
    LENGTH_REQUIRED = 411, "Length Required"
    PRECONDITION_FAILED = 412, "Precondition Failed"
    REQUEST_ENTITY_TOO_LARGE = 413, "Request Entity Too Large"
    REQUEST_URI_TOO_LONG = 414, "Request-URI Too Long"
    UNSUPPORTED_MEDIA_TYPE = 415, "Unsupported Media Type"
    REQUESTED_RANGE_NOT_SATISFIABLE = 416, "Requested Range Not Satisfiable"
    EXPECTATION_FAILED = 417, "Expectation Failed"
    IM_A_TEAPOT = 418, "I'm a teapot"
    MISDIRECTED_REQUEST = 421, "Misdirected Request"
    UNPROCESSABLE_ENTITY = 422, "Unprocessable Entity"
    LOCKED = 423, "Locked"
    FAILED_DEPENDENCY = 424, "Failed Dependency"
    TOO_EARLY = 425, "Too Early"
    UPGRADE_REQUIRED = 426, "Upgrade Required"
    PRECONDITION_REQUIRED = 428, "Precondition Required"
    TOO_MANY_REQUESTS = 429, "Too Many Requests"
    REQUEST_HEADER_FIELDS_TOO_LARGE = 431, "Request Header Fields Too Large"
    UNAVAILABLE_FOR_LEGAL_REASONS = 451, "Unavailable For Legal Reasons"

    # 5xx server error (RFC 9110 §15.6, RFC 2295, RFC 4918, RFC 5842, RFC 2774, RFC 6585)
    INTERNAL_SERVER_ERROR = 500, "Internal Server Error"
    NOT_IMPLEMENTED = 501, "Not Implemented"
    BAD_GATEWAY = 502, "Bad Gateway"
    SERVICE_UNAVAILABLE = 503, "Service Unavailable"
    GATEWAY_TIMEOUT = 504, "Gateway Timeout"
    HTTP_VERSION_NOT_SUPPORTED = 505, "HTTP Version Not Supported"
    VARIANT_ALSO_NEGOTIATES = 506, "Variant Also Negotiates"
    INSUFFICIENT_STORAGE = 507, "Insufficient Storage"
    LOOP_DETECTED = 508, "Loop Detected"
    NOT_EXTENDED = 510, "Not Extended"
    NETWORK_AUTHENTICATION_REQUIRED = 511, "Network Authentication Required"


# Lower-case aliases (`codes.ok`, `codes.not_found`) for `requests` compatibility. As in
# httpx they are plain ints set after the class is built, so they are not enum members
# and do not appear when iterating `codes`.
for _member in codes:
    setattr(codes, _member.name.lower(), int(_member))
del _member
