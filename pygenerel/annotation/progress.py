"""A one-line progress display on stderr for long tables: rows so far, rows/s and, once the share
of the file read is known, the time left. Redrawn at most twice a second, ended by a newline."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, stream=None, every: float = 0.5):
        self.stream = stream or sys.stderr
        self.every = every
        self.start = self.last = time.monotonic()

    def update(self, rows: int, done: float | None, final: bool = False) -> None:
        now = time.monotonic()
        if now - self.last < self.every and not final:
            return
        self.last, elapsed = now, now - self.start
        line = f"  {rows:,} rows, {rows / max(elapsed, 1e-9):,.0f} rows/s"
        if done:
            line += f", {done:.0%} read, about {elapsed * (1 - done) / done:,.0f} s left"
        self.stream.write(f"\r{line:<72}")
        self.stream.flush()

    def close(self, rows: int) -> None:
        """The final count and rate, then a newline."""
        self.update(rows, 1.0, final=True)
        self.stream.write("\n")
        self.stream.flush()
