"""Make untrusted text safe to show on a terminal.

A server controls header values, reason phrases and bodies. Written raw to a terminal, escape
sequences in them can recolour or clear the screen, rewrite the window title (OSC 0/2), set the
clipboard (OSC 52), emit hyperlinks (OSC 8), make the terminal answer device-status queries
into its input (CSI 6n, DECRQSS via DCS), or hide and reorder text (CR, backspace, bidi
overrides: "Trojan Source", CVE-2021-42574).

Strategy: every escape or control sequence starts with a control character (ESC U+001B, or a
C1 introducer such as CSI U+009B, OSC U+009D, DCS U+0090) and OSC strings end with BEL or
ST; so replacing each *dangerous code point* with a visible escape neutralises every sequence
while leaving the rest of it on screen as plain text, showing the user what was attempted.

Replacement (chosen to be readable and unambiguous, like Python's ``repr``):

    ======================================  ===================  ========================
    code points                             replaced by          example
    ======================================  ===================  ========================
    C0 controls U+0000–U+001F except \\t \\n  ``\\xNN``             ESC → ``\\x1b``
    DEL U+007F                              ``\\x7f``
    C1 controls U+0080–U+009F               ``\\xNN``             CSI → ``\\x9b``
    bidi U+202A–U+202E, U+2066–U+2069       ``\\uNNNN``           RLO → ``\\u202e``
    ======================================  ===================  ========================

``\\r\\n`` is shown as ``\\n`` (CRLF bodies are common and harmless); a lone ``\\r``, which can
overwrite what is already on the line, is escaped. Tab and newline pass through.

Only text bound for a terminal is sanitised; piped raw output is never altered.
"""

from __future__ import annotations

#: Code points replaced by ``sanitize_for_terminal`` (see the table in the module docstring).
UNSAFE_CODE_POINTS: frozenset[int] = frozenset(
    [*range(0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0)]
    + [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def _visible(code_point: int) -> str:
    return f"\\x{code_point:02x}" if code_point <= 0xFF else f"\\u{code_point:04x}"


_TRANSLATION: dict[int, str] = {point: _visible(point) for point in UNSAFE_CODE_POINTS}


def sanitize_for_terminal(text: str) -> str:
    """Neutralise terminal escape sequences, controls and bidi overrides in text.

    Args:
        text (str): Untrusted text: a header value, reason phrase or decoded body.

    Returns:
        str: The text with ``\\r\\n`` turned into ``\\n`` and every code point listed in the
        module docstring replaced by its visible escape; the result contains no C0 control but
        ``\\t`` and ``\\n``, no DEL, no C1 control and no bidi override or isolate.

    Example:
        >>> sanitize_for_terminal("ok\\x1b]52;c;aGk=\\x07")
        'ok\\\\x1b]52;c;aGk=\\\\x07'
    """
    return text.replace("\r\n", "\n").translate(_TRANSLATION)


class TerminalSanitizer:
    """Incremental ``sanitize_for_terminal`` for text that arrives in chunks.

    A ``\\r`` at the end of a chunk is held back until the next chunk shows whether a ``\\n``
    follows, so results equal ``sanitize_for_terminal`` of the whole text.

    Example:
        >>> sanitizer = TerminalSanitizer()
        >>> sanitizer.feed("a\\r") + sanitizer.feed("\\nb") + sanitizer.flush()
        'a\\nb'
    """

    def __init__(self) -> None:
        self._pending_cr = False

    def feed(self, text: str) -> str:
        """Sanitise the next chunk.

        Args:
            text (str): The next piece of the text (may be empty).

        Returns:
            str: The sanitised text that can be written now (possibly ``""``).
        """
        if self._pending_cr:
            text = "\r" + text
        self._pending_cr = text.endswith("\r")
        if self._pending_cr:
            text = text[:-1]
        return sanitize_for_terminal(text)

    def flush(self) -> str:
        """Sanitise what is held back at the end of the text.

        Returns:
            str: ``"\\\\x0d"`` if the text ended with a lone ``\\r``, else ``""``.
        """
        pending, self._pending_cr = self._pending_cr, False
        return sanitize_for_terminal("\r") if pending else ""
