"""`make demo` from a fresh clone: sets up .venv, trains and tests ST-GCN, prints top-1 >= 90%."""
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_make_demo_in_fresh_clone(tmp_path: Path) -> None:
    if subprocess.run(['git', '-C', str(REPO), 'rev-parse', 'HEAD'],
                      capture_output=True).returncode:
        pytest.skip('the repository has no commit to clone yet')
    clone = tmp_path / 'mmskel'
    subprocess.run(['git', 'clone', '-q', str(REPO), str(clone)], check=True)
    result = subprocess.run(['make', 'demo'], cwd=clone, capture_output=True, text=True,
                            timeout=1800)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    match = re.search(r'demo: val top-1 = ([\d.]+)%', result.stdout)
    assert match, result.stdout[-2000:]
    assert float(match.group(1)) >= 90.0
