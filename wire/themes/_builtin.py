"""The built-in themes, as plain data (no rich, no pygments).

``auto`` is the default. It uses only the 16 ANSI colours, whose actual RGB values the user's
terminal palette chooses, so it stays readable on light and dark backgrounds alike; it never sets
a background colour.
"""

from __future__ import annotations

from ._model import Theme

AUTO = Theme(
    name="auto",
    description="The terminal's own 16 ANSI colours; readable on light and dark backgrounds.",
    status_1xx="blue",
    status_2xx="green",
    status_3xx="yellow",
    status_4xx="red",
    status_5xx="bold red",
    status_line="blue",
    method="bold green",
    url="cyan",
    header_name="cyan",
    header_value="none",
    header_separator="none",
    json_key="bold blue",
    string="green",
    number="cyan",
    keyword="magenta",
    punctuation="none",
    comment="italic",
    tag="blue",
    attribute="cyan",
    progress_bar="cyan",
    progress_complete="green",
    notice="yellow",
)

# Solarized (Ethan Schoonover's palette) as 24-bit colours; needs a 256-colour or truecolor
# terminal to look as intended (rich downsamples otherwise).
SOLARIZED = Theme(
    name="solarized",
    description="Solarized accent colours (24-bit); best on a Solarized terminal palette.",
    status_1xx="#268bd2",
    status_2xx="#859900",
    status_3xx="#b58900",
    status_4xx="#cb4b16",
    status_5xx="bold #dc322f",
    status_line="#268bd2",
    method="bold #859900",
    url="#2aa198",
    header_name="#2aa198",
    header_value="none",
    header_separator="#93a1a1",
    json_key="#268bd2",
    string="#2aa198",
    number="#d33682",
    keyword="#cb4b16",
    punctuation="#93a1a1",
    comment="italic #93a1a1",
    tag="#268bd2",
    attribute="#b58900",
    progress_bar="#268bd2",
    progress_complete="#859900",
    notice="#b58900",
)

#: Every built-in theme, by name, in the order ``available_themes()`` lists them.
BUILTIN_THEMES: dict[str, Theme] = {theme.name: theme for theme in (AUTO, SOLARIZED)}
