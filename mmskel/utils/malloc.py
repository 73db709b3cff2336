"""Stop glibc's allocator from handing freed tensor memory back to the OS at every step.

By default glibc serves large blocks (from 128 KiB, a threshold that adapts up to 32 MiB) with
fresh ``mmap`` calls and trims the top of the heap as soon as 128 KiB are free there, so a
training step's activations are returned to the OS when they are freed and every page of the
next step's is faulted in again: a GCN training step on the CPU spends much of its time in page
faults. With :func:`keep_freed_memory` blocks up to 32 MiB come from the heap, which is grown in
64 MiB steps and trimmed only when 1 GiB at its top is free: after the first steps the process
reuses its own pages, at the price of holding on to its peak memory. ``tools/train.py`` and
``tools/test.py`` call it when the config's ``env_cfg.keep_freed_memory`` is true (the default
runtime sets it).
"""
import ctypes
import sys

# mallopt parameters of glibc's malloc.h
M_TRIM_THRESHOLD = -1
M_TOP_PAD = -2
M_MMAP_THRESHOLD = -3

SETTINGS = {
    M_MMAP_THRESHOLD: 32 << 20,  # the largest glibc takes
    M_TRIM_THRESHOLD: 1 << 30,
    M_TOP_PAD: 64 << 20,
}


def keep_freed_memory() -> bool:
    """Apply the allocator settings above to this process (and the workers it forks later).

    Returns True where they were applied, False where the C library has no ``mallopt`` (not
    glibc: macOS, Windows, musl) or refused one; nothing changes then.
    """
    if not sys.platform.startswith('linux'):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return all([mallopt(param, value) == 1 for param, value in SETTINGS.items()])
