"""mmengine's LoggerHook with the test summary written by one process only."""
from typing import Dict, Optional

from mmengine.dist import is_main_process
from mmengine.hooks import LoggerHook as MMEngineLoggerHook

from mmskel.registry import HOOKS


@HOOKS.register_module()
class LoggerHook(MMEngineLoggerHook):
    """:class:`mmengine.hooks.LoggerHook`, but only the main process writes the test summary.

    mmengine 0.10.7 dumps ``<log_dir>/<timestamp>.json`` after testing from every process to
    the same path, so under ``tools/dist_test.sh`` concurrent writes can leave a corrupt file
    (seen: a stray ``}`` after the object). Every rank holds the same metrics (the evaluator
    broadcasts them), so the others skip it. Registered under mmengine's name, so configs in the
    ``mmskel`` scope get it with ``type='LoggerHook'``.
    """

    def after_test_epoch(self, runner, metrics: Optional[Dict[str, float]] = None) -> None:
        if is_main_process():
            super().after_test_epoch(runner, metrics)
