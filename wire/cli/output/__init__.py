"""Terminal output for the ``wire`` command: plan, then write.

Usage (what ``wire.cli._run`` does)::

    env = Environment.from_process()
    plan = plan_output(env, options, response)   # pure: every output decision, in one place
    write_request(env, plan, request)            # request head/body (-v, --print=HB)
    write_response(env, plan, response)          # streams the body as the plan says

Importing this package imports neither rich nor pygments: they load only when colours are
drawn or a download progress bar is shown.
"""

from __future__ import annotations

from ._binary import BINARY_SUPPRESSED_NOTICE, is_binary
from ._formatters import format_body, format_json
from ._messages import request_head_text, response_head_text
from ._plan import OutputOptions, OutputPlan, plan_output
from ._progress import DownloadProgress, format_summary
from ._sanitize import TerminalSanitizer, sanitize_for_terminal
from ._writer import DEFAULT_FORMAT_LIMIT, write_request, write_response

__all__ = [
    "BINARY_SUPPRESSED_NOTICE",
    "DEFAULT_FORMAT_LIMIT",
    "DownloadProgress",
    "OutputOptions",
    "OutputPlan",
    "TerminalSanitizer",
    "format_body",
    "format_json",
    "format_summary",
    "is_binary",
    "plan_output",
    "request_head_text",
    "response_head_text",
    "sanitize_for_terminal",
    "write_request",
    "write_response",
]
