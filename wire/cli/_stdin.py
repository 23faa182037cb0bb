"""Whether stdin holds a request body, decided without ever hanging on an idle stdin.

HTTPie reads stdin whenever it is not a terminal, so `http URL` run from cron, CI or an editor
(stdin an open pipe nobody writes to) waits forever. wire looks before it reads:

    ==============================================  ===========================================
    stdin                                           read as the body?
    ==============================================  ===========================================
    a terminal                                      no
    a character device (``/dev/null``)              no
    a regular file (``< body.json``)                yes, when it has bytes past the position
    a pipe or socket with data (or EOF) ready       yes (``echo '{}' | wire POST ...``); an
                                                    empty pipe (EOF at once) sends no body
    a pipe or socket with nothing ready             waited for ``wait`` seconds (short), or
                                                    until data or EOF when the METHOD given
                                                    expects a body (POST, PUT, PATCH)
    an in-memory stream (tests)                     yes, when it has bytes
    ==============================================  ===========================================
"""

from __future__ import annotations

import io
import os
import select
import stat
from typing import BinaryIO

__all__ = ["BODY_METHODS", "DEFAULT_STDIN_WAIT", "read_stdin_body"]

#: Seconds to wait for a pipe to become readable when the method does not expect a body.
DEFAULT_STDIN_WAIT = 0.15

#: Methods given explicitly whose users expect a piped body to be waited for.
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _fileno(stream: BinaryIO) -> int | None:
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None


def _pipe_ready(fd: int, wait: float | None) -> bool:
    readable, _, _ = select.select([fd], [], [], wait)
    return bool(readable)


def read_stdin_body(
    stdin: BinaryIO,
    *,
    is_terminal: bool,
    method: str | None,
    wait: float = DEFAULT_STDIN_WAIT,
) -> bytes | None:
    """Read stdin as a request body when it holds one (see the table in the module docstring).

    Args:
        stdin: the binary stdin stream.
        is_terminal: whether stdin is a terminal (never read then).
        method: the METHOD given on the command line, upper-case, or None when not given.
        wait: float seconds to wait for an idle pipe when the method does not expect a body.
            Default `DEFAULT_STDIN_WAIT`.

    Returns:
        The body (bytes, possibly empty when stdin is an empty pipe or file), or None when
        stdin was not read.

    Raises:
        OSError: reading stdin failed.
    """
    if is_terminal:
        return None
    fd = _fileno(stdin)
    if fd is None:
        data = stdin.read()  # an in-memory stream never blocks
        return data or None
    mode = os.fstat(fd).st_mode
    if stat.S_ISREG(mode):
        size = os.fstat(fd).st_size
        try:
            position = os.lseek(fd, 0, os.SEEK_CUR)
        except OSError:
            position = 0
        return stdin.read() if size > position else None
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        patience = None if method in BODY_METHODS else wait
        if not _pipe_ready(fd, patience):
            return None
        return stdin.read()
    return None  # character devices (/dev/null, serial lines) and anything else
