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


def _palette(
    name: str,
    description: str,
    *,
    blue: str,
    green: str,
    yellow: str,
    orange: str,
    red: str,
    cyan: str,
    magenta: str,
    muted: str,
) -> Theme:
    """A theme from an eight-colour palette, every slot given the same meaning everywhere."""
    return Theme(
        name=name,
        description=description,
        status_1xx=blue,
        status_2xx=green,
        status_3xx=yellow,
        status_4xx=orange,
        status_5xx=f"bold {red}",
        status_line=blue,
        method=f"bold {green}",
        url=cyan,
        header_name=cyan,
        header_value="none",
        header_separator=muted,
        json_key=blue,
        string=green,
        number=magenta,
        keyword=orange,
        punctuation=muted,
        comment=f"italic {muted}",
        tag=blue,
        attribute=yellow,
        progress_bar=blue,
        progress_complete=green,
        notice=yellow,
    )


# Solarized's accents are the same on light and dark backgrounds; only the muted tone moves
# (base1 on dark, base01 on light) so punctuation stays readable on both.
SOLARIZED_LIGHT = _palette(
    "solarized-light",
    "Solarized accents with a muted tone for light backgrounds (24-bit).",
    blue="#268bd2", green="#859900", yellow="#b58900", orange="#cb4b16", red="#dc322f",
    cyan="#2aa198", magenta="#d33682", muted="#586e75",
)
MONOKAI = _palette(
    "monokai",
    "Monokai's bright accents, for dark backgrounds (24-bit).",
    blue="#66d9ef", green="#a6e22e", yellow="#e6db74", orange="#fd971f", red="#f92672",
    cyan="#66d9ef", magenta="#ae81ff", muted="#75715e",
)
DRACULA = _palette(
    "dracula",
    "Dracula's pastel accents, for dark backgrounds (24-bit).",
    blue="#8be9fd", green="#50fa7b", yellow="#f1fa8c", orange="#ffb86c", red="#ff5555",
    cyan="#8be9fd", magenta="#bd93f9", muted="#6272a4",
)
NORD = _palette(
    "nord",
    "Nord's frost and aurora colours, for dark backgrounds (24-bit).",
    blue="#81a1c1", green="#a3be8c", yellow="#ebcb8b", orange="#d08770", red="#bf616a",
    cyan="#88c0d0", magenta="#b48ead", muted="#4c566a",
)
GITHUB_LIGHT = _palette(
    "github-light",
    "GitHub's light syntax colours: dark tones for white backgrounds (24-bit).",
    blue="#0550ae", green="#116329", yellow="#7d4e00", orange="#953800", red="#cf222e",
    cyan="#0a3069", magenta="#8250df", muted="#57606a",
)

#: Every built-in theme, by name, in the order ``available_themes()`` lists them.
BUILTIN_THEMES: dict[str, Theme] = {
    theme.name: theme
    for theme in (AUTO, SOLARIZED, SOLARIZED_LIGHT, MONOKAI, DRACULA, NORD, GITHUB_LIGHT)
}

#: Themes drawn for light terminal backgrounds (the rest suit dark ones; ``auto`` suits both).
LIGHT_THEMES = frozenset({"solarized-light", "github-light"})
