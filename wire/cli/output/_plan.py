"""The output plan: the ONE place that decides what is printed and how. Pure: no I/O.

``plan_output(env, options, response)`` turns the output options, the terminal facts and
(optionally) the response head into an :class:`OutputPlan`; the writer only follows it.

Decision table (first matching row of each block wins):

    What is printed (the print spec: H request head, B request body, h response head,
    b response body, m meta: elapsed time and remote address), following HTTPie:

    =================================  ==========================================
    options                            print spec
    =================================  ==========================================
    ``-q`` (``--quiet``)               ``""`` (nothing)
    ``--print=SPEC``                   SPEC (letters validated; ``""`` prints nothing)
    ``-h``, ``-b``, ``-m`` (any mix)   their letters: ``h``, ``b``, ``m``
    ``-vv``                            ``HBhbm``
    ``-v`` (``--verbose``)             ``HBhb``
    ``--offline``                      ``HB``
    stdout is a terminal               ``hb``
    stdout is not a terminal           ``b``
    =================================  ==========================================

    ``--download`` then removes ``b`` (the body goes to the file; the caller shows the head
    on stderr).

    How it is printed (``pretty`` None means auto: ``all`` on a terminal; on a pipe, ``colors``
    when ``FORCE_COLOR`` is set, else ``none``):

    =======================  =========  ==========  =========================================
    pretty                   format     colors      notes
    =======================  =========  ==========  =========================================
    ``all``                  yes        if depth    colours need ``env.color_system``
    ``colors``               no         if depth    (not None), whatever ``pretty`` says
    ``format``               yes        no
    ``none``                 no         no
    =======================  =========  ==========  =========================================

    =====================================  =================================================
    condition                              result
    =====================================  =================================================
    not a terminal and pretty ``none``     ``raw_passthrough``: body bytes exactly as
                                           decoded from Content-Encoding; no notice, no
                                           sanitising, no added newline
    stdout is a terminal                   ``sanitize``: escape sequences and controls in
                                           heads and bodies are made visible and inert
    raw, or neither format nor colors,     ``stream``: the body is written as it arrives;
    or ``--stream``, or Content-Type is    with format or colors on, line by line, each
    an event stream (text/event-stream,    line formatted and highlighted (JSON in an
    NDJSON)                                event's ``data:``, each NDJSON record)
    otherwise                              the body is buffered (capped by the writer),
                                           formatted and highlighted
    =====================================  =================================================

Example:
    >>> from wire.cli._env import Environment
    >>> env = Environment.for_testing(stdout_isatty=False)
    >>> plan_output(env, OutputOptions()).raw_passthrough
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...themes import DEFAULT_THEME, check_theme
from ._formatters import FormatOptions

if TYPE_CHECKING:
    from .._env import Environment

#: The letters ``--print`` accepts: request head, request body, response head, response body.
PRINT_LETTERS = "HBhbm"

#: The values ``--pretty`` accepts (None means auto).
PRETTY_VALUES = ("all", "colors", "format", "none")

#: Media types whose bodies are written as they arrive even when pretty-printing is on.
STREAMING_MEDIA_TYPES = frozenset(
    {"text/event-stream", "application/x-ndjson", "application/jsonl", "application/json-seq"}
)


@dataclass(frozen=True)
class OutputOptions:
    """The output-related command-line options, as parsed (nothing decided yet).

    Attributes:
        print_spec (str | None): ``--print`` letters from ``"HBhb"`` in any order; None means
            "not given" (use the default for the terminal). Default None.
        pretty (str | None): ``--pretty``: ``"all"``, ``"colors"``, ``"format"`` or
            ``"none"``; None means auto. Default None.
        style (str): ``--style`` theme name. Default ``"auto"``.
        verbose (int): How many times ``-v`` was given. Default 0.
        headers_only (bool): ``-h`` / ``--headers``. Default False.
        body_only (bool): ``-b`` / ``--body``. Default False.
        download (bool): ``--download``: the body goes to a file, not stdout. Default False.
        meta (bool): ``-m`` / ``--meta``. Default False.
        quiet (int): How many times ``-q`` was given. Default 0.
        offline (bool): ``--offline``: only the request is printed. Default False.
        stream (bool): ``--stream``: write bodies line by line as they arrive. Default False.
        format_options (FormatOptions): Indents and sorting. Default: the defaults.
        response_charset (str | None): ``--response-charset``. Default None (the server's).
        response_mime (str | None): ``--response-mime``. Default None (the server's).
    """

    print_spec: str | None = None
    pretty: str | None = None
    style: str = DEFAULT_THEME
    verbose: int = 0
    headers_only: bool = False
    body_only: bool = False
    download: bool = False
    meta: bool = False
    quiet: int = 0
    offline: bool = False
    stream: bool = False
    format_options: FormatOptions = FormatOptions()
    response_charset: str | None = None
    response_mime: str | None = None


@dataclass(frozen=True)
class OutputPlan:
    """What the writer prints and how; produced by ``plan_output`` only.

    Attributes:
        show_request_headers (bool): Print the request line and headers (``H``).
        show_request_body (bool): Print the request body (``B``).
        show_response_headers (bool): Print the status line and headers (``h``).
        show_response_body (bool): Print the response body (``b``).
        colors (bool): Colour heads and bodies (rich + pygments, using ``theme``).
        format (bool): Reformat bodies by media type (indent JSON...).
        stream (bool): Write the body chunk by chunk as it arrives, unformatted and
            unhighlighted, instead of buffering it.
        raw_passthrough (bool): Write body bytes exactly as received (after Content-Encoding
            decoding) with no transformation, notice or added newline.
        theme (str): Name of the theme colours come from (validated).
        sanitize (bool): Make terminal escape sequences and control characters in heads and
            bodies visible and inert (``sanitize_for_terminal``). Default True.
        show_meta (bool): Print the meta block (``m``) after the response. Default False.
        format_options (FormatOptions): Indents and sorting. Default: the defaults.
        response_charset (str | None): Charset forced on the response body, or None.
        response_mime (str | None): Media type forced on the response body, or None.
    """

    show_request_headers: bool
    show_request_body: bool
    show_response_headers: bool
    show_response_body: bool
    colors: bool
    format: bool
    stream: bool
    raw_passthrough: bool
    theme: str
    sanitize: bool = True
    show_meta: bool = False
    format_options: FormatOptions = FormatOptions()
    response_charset: str | None = None
    response_mime: str | None = None


def resolve_print_spec(options: OutputOptions, stdout_isatty: bool) -> str:
    """Return the print spec in force (the first table of the module docstring).

    Args:
        options (OutputOptions): The parsed options.
        stdout_isatty (bool): Whether stdout is a terminal.

    Returns:
        str: The letters to print, a subset of ``"HBhbm"`` (``--download`` not yet
        applied).

    Raises:
        ValueError: When ``options.print_spec`` holds a letter outside ``HBhb``, e.g.
            ``--print: unknown letter 'x' (expected H, B, h, b, m)``.
    """
    if options.quiet:
        return ""
    if options.print_spec is not None:
        for letter in options.print_spec:
            if letter not in PRINT_LETTERS:
                raise ValueError(
                    f"--print: unknown letter {letter!r} (expected H, B, h, b, m)"
                )
        return options.print_spec
    chosen = (
        ("h" if options.headers_only else "")
        + ("b" if options.body_only else "")
        + ("m" if options.meta else "")
    )
    if chosen:
        return chosen
    if options.verbose > 1:
        return "HBhbm"
    if options.verbose > 0:
        return "HBhb"
    if options.offline:
        return "HB"
    return "hb" if stdout_isatty else "b"


def _media_type(response: Any) -> str:
    headers = getattr(response, "headers", None)
    content_type = headers.get("content-type") if headers is not None else None
    return str(content_type or "").split(";", 1)[0].strip().lower()


def plan_output(env: Environment, options: OutputOptions, response: Any = None) -> OutputPlan:
    """Decide what to print and how (the tables in the module docstring).

    Args:
        env (Environment): Terminal facts: ``stdout_isatty`` and ``color_system`` are read.
        options (OutputOptions): The parsed output options.
        response (httpx-like Response | None): The response head, when known, so the plan can
            stream event streams; only ``response.headers.get("content-type")`` is read.
            None (default) plans without it.

    Returns:
        OutputPlan: The plan for ``write_request`` / ``write_response``.

    Raises:
        ValueError: When ``--print`` has an unknown letter, ``--pretty`` an unknown value, or
            ``--style`` names no theme (the message names the option and the valid values).
    """
    spec = resolve_print_spec(options, env.stdout_isatty)
    if options.pretty is not None and options.pretty not in PRETTY_VALUES:
        raise ValueError(
            f"--pretty: unknown value {options.pretty!r} (expected {', '.join(PRETTY_VALUES)})"
        )
    check_theme(options.style)  # raises ValueError naming the available themes
    # FORCE_COLOR asks for colours on a pipe too (a pager, `less -R`): colours, no reformatting.
    forced = bool(env.environ.get("FORCE_COLOR")) and env.color_system is not None
    pretty = options.pretty or ("all" if env.stdout_isatty else "colors" if forced else "none")
    raw_passthrough = not env.stdout_isatty and pretty == "none"
    colors = pretty in ("all", "colors") and env.color_system is not None
    formatting = pretty in ("all", "format")
    mime = options.response_mime or _media_type(response)
    stream = (
        raw_passthrough
        or not (formatting or colors)
        or options.stream
        or mime.split(";", 1)[0].strip().lower() in STREAMING_MEDIA_TYPES
    )
    return OutputPlan(
        show_request_headers="H" in spec,
        show_request_body="B" in spec,
        show_response_headers="h" in spec,
        show_response_body="b" in spec and not options.download,
        colors=colors,
        format=formatting and not raw_passthrough,
        stream=stream,
        raw_passthrough=raw_passthrough,
        theme=options.style,
        sanitize=env.stdout_isatty,
        show_meta="m" in spec,
        format_options=options.format_options,
        response_charset=options.response_charset,
        response_mime=options.response_mime,
    )
