"""mmskel's LoggerHook: the test summary json comes from the main process only."""
import pytest
from mmengine.hooks import LoggerHook as MMEngineLoggerHook
from mmengine.registry import HOOKS, DefaultScope

import mmskel.engine.logger_hook as logger_hook
from mmskel.engine import LoggerHook
from mmskel.utils import register_all_modules


def test_configs_in_the_mmskel_scope_build_it():
    register_all_modules(init_default_scope=False)
    with DefaultScope.overwrite_default_scope('mmskel'):
        hook = HOOKS.build(dict(type='LoggerHook', interval=5))
    assert type(hook) is LoggerHook and hook.interval == 5


@pytest.mark.parametrize('main', [True, False])
def test_only_the_main_process_writes_the_test_summary(monkeypatch, main):
    calls = []
    monkeypatch.setattr(MMEngineLoggerHook, 'after_test_epoch',
                        lambda self, runner, metrics=None: calls.append(metrics))
    monkeypatch.setattr(logger_hook, 'is_main_process', lambda: main)
    LoggerHook().after_test_epoch(runner=None, metrics={'acc/top1': 0.5})
    assert calls == ([{'acc/top1': 0.5}] if main else [])
