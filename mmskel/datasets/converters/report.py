"""The summary every converter prints and writes beside its pickle as ``<out>.log.json``."""
import json
from typing import Dict, List

from mmskel.utils import atomic_open

MAX_LISTED = 10  # skipped entries printed per reason; the json log has them all


def write_log(summary: Dict) -> None:
    """Write ``summary`` atomically to ``<summary['out']>.log.json``."""
    with atomic_open(f"{summary['out']}.log.json", 'w') as f:
        json.dump(summary, f, indent=2)


def head_lines(summary: Dict, note: str = '', unit: str = 'files') -> List[str]:
    """'N/M files converted to OUT in S s (note)' and the split sizes."""
    return [f"{summary['num_samples']}/{summary['num_files']} {unit} converted to "
            f"{summary['out']} in {summary['seconds']:.1f} s" + (f' ({note})' if note else ''),
            'splits: ' + ', '.join(f'{k} {v}' for k, v in summary['split_sizes'].items())]


def tail_lines(summary: Dict) -> List[str]:
    """One line per skip reason (entries with their details, the first few) and the log path."""
    details = summary.get('details', {})
    lines = [] if summary['skipped'] else ['skipped: none']
    for reason, names in summary['skipped'].items():
        shown = [f'{n} ({details[n]})' if n in details else n for n in names[:MAX_LISTED]]
        more = len(names) - len(shown)
        lines.append(f'skipped ({reason}): {len(names)}: ' + ', '.join(shown)
                     + (f', ... {more} more in the log' if more else ''))
    return lines + [f"log: {summary['out']}.log.json"]
