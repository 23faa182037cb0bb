"""``--checksum ALGO:HEX``: parse the expected digest, and check a file against it.

A download is checked after its last byte is on disk and before the ``.part`` file is
renamed, by reading the file back: what is verified is what the user will get, including
the bytes kept from an earlier run by ``--continue`` and the ranges ``--segments`` wrote in
parallel. On a mismatch the ``.part`` file stays where it is and the final name is never
created. Only the digest algorithms that a download page commonly publishes are accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ALGORITHMS",
    "Checksum",
    "ChecksumMismatch",
    "file_digest",
    "parse_checksum",
    "verify_file",
]

#: Accepted algorithm names → digest size in bytes. md5 and sha1 are accepted because many
#: mirrors still publish only those; they detect corruption, not tampering.
ALGORITHMS: dict[str, int] = {"md5": 16, "sha1": 20, "sha256": 32, "sha512": 64}

_READ_SIZE = 1 << 20  # 1 MiB: large reads keep hashing at memory speed


@dataclass(frozen=True)
class Checksum:
    """An expected digest.

        >>> parse_checksum("SHA256:AB" + "0" * 62).hex_digest[:4]
        'ab00'

    Attributes:
        algorithm: One of `ALGORITHMS` (str, lower case), e.g. ``"sha256"``.
        hex_digest: The expected digest as lower-case hex (str, 2 characters per byte).
    """

    algorithm: str
    hex_digest: str

    def __str__(self) -> str:
        return f"{self.algorithm}:{self.hex_digest}"


class ChecksumMismatch(Exception):
    """The downloaded file does not have the expected digest; it was not renamed.

    Attributes:
        part_path: The ``.part`` file that was checked (left in place).
        expected: The `Checksum` asked for.
        actual: The file's digest, lower-case hex (str).
    """

    def __init__(self, part_path: Path, expected: Checksum, actual: str) -> None:
        self.part_path = part_path
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"{expected.algorithm} checksum mismatch: expected {expected.hex_digest}, "
            f"got {actual}; the file was not saved (data kept in '{part_path}')"
        )


def parse_checksum(text: str) -> Checksum:
    """Parse ``ALGO:HEX`` (e.g. ``sha256:9f86d0...``), as given to ``--checksum``.

    The algorithm is case-insensitive (``SHA256`` and ``sha-256`` are accepted); the hex
    digest is case-insensitive and may be wrapped in spaces.

    Args:
        text: The option value (str).

    Returns:
        The `Checksum`, normalised to lower case.

    Raises:
        ValueError: No ``:``, an unknown algorithm, or a digest that is not hex of the
            algorithm's length; the message says which and what is expected.
    """
    algorithm, sep, digest = text.partition(":")
    algorithm = algorithm.strip().lower().replace("-", "")
    digest = digest.strip().lower()
    names = ", ".join(ALGORITHMS)
    if not sep:
        raise ValueError(f"--checksum: expected ALGO:HEX ({names}), got {text!r}")
    if algorithm not in ALGORITHMS:
        raise ValueError(f"--checksum: unknown algorithm {algorithm!r} (use one of: {names})")
    size = ALGORITHMS[algorithm]
    try:
        raw = bytes.fromhex(digest)
    except ValueError:
        raw = b""
    if len(raw) != size or len(digest) != 2 * size:
        raise ValueError(
            f"--checksum: a {algorithm} digest is {2 * size} hex digits, got {digest!r}"
        )
    return Checksum(algorithm, digest)


def file_digest(path: Path, algorithm: str) -> str:
    """Hash a whole file, reading it in 1 MiB blocks (constant memory).

    Args:
        path: The file to read.
        algorithm: A name from `ALGORITHMS`.

    Returns:
        The digest as lower-case hex (str).

    Raises:
        OSError: The file cannot be read.
        ValueError: ``algorithm`` is not in `ALGORITHMS`.
    """
    import hashlib  # only when a checksum is asked for: it costs start-up time

    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown checksum algorithm {algorithm!r}")
    hasher = hashlib.new(algorithm)
    buffer = bytearray(_READ_SIZE)
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as file:
        while size := file.readinto(buffer):  # ends at EOF (0)
            hasher.update(view[:size])  # hashlib releases the GIL for large buffers
    return hasher.hexdigest()


def verify_file(path: Path, expected: Checksum) -> None:
    """Check that ``path`` has the digest ``expected``.

    Args:
        path: The complete ``.part`` file.
        expected: The `Checksum` from `parse_checksum`.

    Raises:
        ChecksumMismatch: The digests differ.
        OSError: The file cannot be read.
    """
    import hmac

    actual = file_digest(path, expected.algorithm)
    if not hmac.compare_digest(actual, expected.hex_digest):
        raise ChecksumMismatch(path, expected, actual)
