"""Memory reuse for the command line: freed arrays stay with the process for the next chunk.

`pygenerel annotate` builds the same large arrays (tens of megabytes each) for every chunk of a
table. glibc hands blocks that large out as fresh mappings and unmaps them when freed, so every
chunk page-faults all of its memory in again: about a tenth of the time of a 1M-row `annotate`
(bench/annotate_vs_read.py). Keeping freed memory in the heap lets the next chunk reuse it. Only
that command asks for this: a library should not change its host's allocator.
"""

from __future__ import annotations

import ctypes

M_TRIM_THRESHOLD = -1  # mallopt parameters, from glibc's malloc.h
M_MMAP_MAX = -4
KEEP_FREED = 1 << 30  # bytes of free heap top kept before any is returned to the system


def reuse_freed_memory() -> bool:
    """Serve large blocks from the heap and keep freed ones (glibc only; elsewhere nothing is
    changed). True if glibc took both settings."""
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError, TypeError):
        return False
    return bool(mallopt(M_MMAP_MAX, 0)) and bool(mallopt(M_TRIM_THRESHOLD, KEEP_FREED))
