"""Run a converter's per-file function over many files, in worker processes, with a progress bar."""
from multiprocessing import Pool
from typing import Callable, List, Sequence

from tqdm import tqdm


def map_files(function: Callable, jobs: Sequence, workers: int = 1, desc: str = '',
              progress: bool = True, chunksize: int = 16) -> List:
    """``[function(job) for job in jobs]``, in ``workers`` processes when more than one.

    Results keep the order of ``jobs``; ``function`` must be picklable (a module-level function).
    """
    bar = dict(total=len(jobs), desc=desc, unit='file', disable=not progress)
    if workers > 1:
        with Pool(workers) as pool:
            return list(tqdm(pool.imap(function, jobs, chunksize=chunksize), **bar))
    return [function(job) for job in tqdm(jobs, **bar)]
