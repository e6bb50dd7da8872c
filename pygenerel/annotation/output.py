"""Where an annotated table goes, and the guarantee that nothing else is touched.

- A regular file (new, or replaced) is written to an unpredictable, exclusive temporary file
  beside it and renamed into place only when the whole table is written; on any error, signal
  or interruption the temporary file is removed and an existing file is left as it was. A
  replaced file keeps its permissions; a new one gets the usual ones (0666 less the umask).
- A symlink is followed: the file it points to is replaced, the link stays a link.
- `-` is standard output; a device or FIFO, and any `/dev/` or `/proc/` name (`/dev/stdout`,
  `/dev/null`), is written through.
- The input itself (by any name, symlink or hard link) and directories are refused.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

from pygenerel.annotation.errors import AnnotateError
from pygenerel.errors import SignalExit

STDOUT = "-"


class Destination:
    """A binary stream for one output, committed or discarded as a whole."""

    def __init__(self, path, inputs=()):
        self.name = str(path)
        self.target: Path | None = None
        self.partial: Path | None = None
        if self.name == STDOUT:
            self.stream = sys.stdout.buffer
            return
        target = Path(os.path.realpath(path))
        if target.is_dir():
            raise AnnotateError(f"{self.name}: is a directory; give a file name for the output")
        for source in inputs:
            if target.exists() and _same_file(target, source):
                raise AnnotateError(
                    f"{self.name}: this is the input file; the output must go elsewhere"
                )
        if _written_through(self.name, target):
            self.stream = self._open(lambda: open(target, "ab"))  # noqa: SIM115  (closed in commit)
            return
        self.target = target
        fd, partial = self._open(
            lambda: tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".partial", dir=target.parent
            )
        )
        try:  # from here on, even a signal must not leave the temporary file behind
            self.partial = Path(partial)
            with contextlib.suppress(OSError):  # a filesystem without permissions keeps its own
                os.fchmod(fd, _mode_for(target))
            self.stream = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            Path(partial).unlink(missing_ok=True)
            raise

    def _open(self, opener):
        try:
            return opener()
        except OSError as error:
            raise AnnotateError(f"{self.name}: cannot write ({error.strerror or error})") from None

    def commit(self) -> None:
        """Flush everything and, for a regular file, move it into place."""
        try:
            self.stream.flush()
            if self.partial is not None:
                os.fsync(self.stream.fileno())
                self.stream.close()
                os.replace(self.partial, self.target)
                self.partial = None
            elif self.name != STDOUT:
                self.stream.close()
        except OSError as error:
            self.discard()
            raise AnnotateError(f"{self.name}: cannot write ({error.strerror or error})") from None

    def discard(self) -> None:
        """Leave no trace: the temporary file goes, an existing output stays as it was."""
        if self.name != STDOUT:
            with contextlib.suppress(OSError):
                self.stream.close()
        if self.partial is not None:
            with contextlib.suppress(OSError):
                self.partial.unlink()
            self.partial = None


def _written_through(name: str, target: Path) -> bool:
    """A device, FIFO or socket, or a /dev/ or /proc/ name (`/dev/stdout` may stand for a file
    the shell opened, perhaps to append): written in place, appending, never renamed over."""
    special = target.exists() and not target.is_file()
    return special or name.startswith(("/dev/", "/proc/"))


def _same_file(a: Path, b) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _mode_for(target: Path) -> int:
    """An existing file's permissions, else those a new file would get."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def signals_as_exit():
    """SIGTERM and SIGHUP raise SignalExit while writing, so the cleanup in `finally` runs (by
    default they kill the process on the spot and the temporary file would stay)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def leave(signum, frame):
        raise SignalExit(128 + signum)

    previous = {sig: signal.signal(sig, leave) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
