"""The Theme model: one frozen set of semantic colour slots that drives every colour wire prints.

A slot holds a *rich style string* (``"bold green"``, ``"#268bd2"``, ``"italic"``, ``"none"``),
so a theme is plain data: it imports neither rich nor pygments. ``wire.themes._adapters`` turns a
Theme into a ``rich.theme.Theme`` (for the console and progress bar) and into a pygments ``Style``
(for anyone rendering through pygments formatters), so the same slots colour everything.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

#: Prefix of the rich style names a Theme defines, e.g. ``"wire.status_2xx"``.
STYLE_PREFIX = "wire."


@dataclass(frozen=True, kw_only=True)
class Theme:
    """A colour theme: every colour wire uses, by meaning rather than by token type.

    Every slot is a rich style string (see rich's "Styles" docs): colour names, ``#rrggbb``,
    ``color(N)``, attributes such as ``bold``/``italic``/``dim``, ``on <colour>`` for a
    background, or ``"none"`` for the terminal's default look.

    Attributes:
        name: The name users pass to ``--style`` (lower-case, no spaces), e.g. ``"auto"``.
        description: One line shown when themes are listed.
        status_1xx: Status code and reason phrase of informational responses (RFC 9110 §15.2).
        status_2xx: ... of successful responses (RFC 9110 §15.3).
        status_3xx: ... of redirections (RFC 9110 §15.4).
        status_4xx: ... of client errors (RFC 9110 §15.5).
        status_5xx: ... of server errors (RFC 9110 §15.6).
        status_line: The HTTP version in the status line and request line (``HTTP/1.1``).
        method: The method in the request line (``GET``).
        url: The request target in the request line (``/path?q``).
        header_name: Header field names (``Content-Type``).
        header_value: Header field values.
        header_separator: The ``:`` between a name and its value.
        json_key: Object member names in JSON bodies.
        string: String literals in bodies (JSON strings, XML attribute values, form values).
        number: Number literals.
        keyword: Keywords and constants (JSON ``true``/``false``/``null``).
        punctuation: Braces, brackets, commas, colons and operators.
        comment: Comments (XML/HTML/JS/CSS) and processing instructions.
        tag: Markup tag names (XML/HTML).
        attribute: Markup attribute names and form field names.
        progress_bar: The filled part of the download progress bar while downloading.
        progress_complete: The progress bar once the download has finished.
        notice: Notices wire prints itself, e.g. "binary data not shown in terminal".
    """

    name: str
    description: str
    status_1xx: str
    status_2xx: str
    status_3xx: str
    status_4xx: str
    status_5xx: str
    status_line: str
    method: str
    url: str
    header_name: str
    header_value: str
    header_separator: str
    json_key: str
    string: str
    number: str
    keyword: str
    punctuation: str
    comment: str
    tag: str
    attribute: str
    progress_bar: str
    progress_complete: str
    notice: str

    def slots(self) -> dict[str, str]:
        """Return the colour slots (every field except ``name`` and ``description``).

        Returns:
            dict[str, str]: Slot name → rich style string, in declaration order, e.g.
            ``{"status_1xx": "blue", "status_2xx": "green", ...}``.
        """
        return {
            field.name: getattr(self, field.name)
            for field in fields(self)
            if field.name not in ("name", "description")
        }

    def status_style(self, status_code: int) -> str:
        """Return the style for a status code, chosen by its class (first digit).

        Args:
            status_code (int): The response status code, e.g. ``404``. Codes outside 100–599
                are styled like server errors, since a peer sending them is misbehaving.

        Returns:
            str: The rich style string of the matching ``status_Nxx`` slot.
        """
        klass = status_code // 100
        if not 1 <= klass <= 5:
            klass = 5
        style: str = getattr(self, f"status_{klass}xx")
        return style
