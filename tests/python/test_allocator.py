"""The command line keeps freed memory for reuse (pygenerel/allocator.py)."""

import os
import platform
import subprocess
import sys

import pytest

# Allocates and fills a 64 MiB array a chunk would, frees it, and counts the page faults of doing
# the same again: near zero when the freed memory was kept, ~16k (one per 4 KiB page) when not.
SECOND_CHUNK_FAULTS = """
import resource, sys
import numpy as np
from pygenerel.allocator import reuse_freed_memory
took = reuse_freed_memory() if sys.argv[1] == "reuse" else None
def chunk():
    a = np.empty(16 * 2**20, dtype=np.float32)
    a.fill(1.0)
    del a
chunk()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
chunk()
print(took, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def second_chunk_faults(mode: str) -> tuple[str, int]:
    env = {**os.environ, "NUMPY_MADVISE_HUGEPAGE": "0"}  # 4 KiB pages, whatever THP says
    done = subprocess.run(
        [sys.executable, "-c", SECOND_CHUNK_FAULTS, mode],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    took, faults = done.stdout.split()
    return took, int(faults)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_a_second_chunk_reuses_the_first_ones_memory():
    took, kept = second_chunk_faults("reuse")
    _, fresh = second_chunk_faults("default")
    assert took == "True"
    assert fresh > 10_000  # the default: every page of the 64 MiB faulted in again
    assert kept < fresh / 20
