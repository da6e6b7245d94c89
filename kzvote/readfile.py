"""Opening a data file the safe way: read-only, and only a regular file.

A path inside a shared results file (or on a command line) may name a FIFO, a device or a /proc
file. Opened non-blocking, a FIFO without a writer is refused at once instead of waiting forever;
/dev/zero, which never ends, is refused before a byte is read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO


class NotRegularFile(OSError):
    """A device, FIFO, socket or /proc file where a data file was expected."""


def open_regular(path: str | Path) -> BinaryIO:
    """The file opened for binary reading (kzvote never writes a data file), or an OSError:
    FileNotFoundError, IsADirectoryError, NotRegularFile (its message says what the path is)."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory")
        if not stat.S_ISREG(mode):
            raise NotRegularFile(_kind(mode))
        if os.path.abspath(path).startswith("/proc/"):  # regular to stat, but the kernel's, never results
            raise NotRegularFile("a /proc file")
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"
