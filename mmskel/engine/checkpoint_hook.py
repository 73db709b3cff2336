"""mmengine's CheckpointHook, crash-safe: old checkpoints go only after the new one is complete."""
import os.path as osp

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook as MMEngineCheckpointHook

from mmskel.registry import HOOKS
from mmskel.utils.fileio import atomic_open


@HOOKS.register_module()
class CheckpointHook(MMEngineCheckpointHook):
    """:class:`mmengine.hooks.CheckpointHook` whose saves survive a kill at any moment.

    mmengine deletes the checkpoint that ``max_keep_ckpts`` drops, and the previous best
    checkpoint, before it writes the new one, and writes ``last_checkpoint`` in place; a kill in
    between leaves ``last_checkpoint`` naming a deleted file, or empty. Here the new checkpoint
    is written (atomically, by :meth:`SkeletonRunner.save_checkpoint`) first, then
    ``last_checkpoint`` (atomically), and only then are old checkpoints deleted.
    """

    def _save_checkpoint_with_step(self, runner, step, meta):
        removable = []
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids
                                            and self.keep_ckpt_ids[-1] == step):
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                removable.append(self.keep_ckpt_ids.popleft())
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))
        filename = self.filename_tmpl.format(step)
        self.last_ckpt = self.file_backend.join_path(self.out_dir, filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        runner.save_checkpoint(self.out_dir, filename,
                               self.file_client_args, save_optimizer=self.save_optimizer,
                               save_param_scheduler=self.save_param_scheduler, meta=meta,
                               by_epoch=self.by_epoch, backend_args=self.backend_args,
                               **self.args)
        if not is_main_process():
            return
        with atomic_open(osp.join(runner.work_dir, 'last_checkpoint'), 'w') as f:
            f.write(self.last_ckpt)
        for old in removable:
            self._remove(runner, self.file_backend.join_path(self.out_dir,
                                                             self.filename_tmpl.format(old)))

    def _save_best_checkpoint(self, runner, metrics) -> None:
        if not self.save_best:  # mmengine sets key_indicators only with save_best
            return
        if len(self.key_indicators) == 1:
            old = {'best_ckpt': self.best_ckpt_path}
            self.best_ckpt_path = None  # mmengine's deletion of the old best: off
        else:
            old = {f'best_ckpt_{k}': p for k, p in self.best_ckpt_path_dict.items()}
            self.best_ckpt_path_dict = {k: None for k in self.best_ckpt_path_dict}
        super()._save_best_checkpoint(runner, metrics)
        for key, path in old.items():
            if len(self.key_indicators) == 1:
                current = self.best_ckpt_path
            else:
                current = self.best_ckpt_path_dict[key[len('best_ckpt_'):]]
            if current is None:  # no new best: keep the old one
                if len(self.key_indicators) == 1:
                    self.best_ckpt_path = path
                else:
                    self.best_ckpt_path_dict[key[len('best_ckpt_'):]] = path
            elif path is not None and path != current:
                self._remove(runner, path)
                runner.logger.info(f'The previous best checkpoint {path} is removed')

    def _remove(self, runner, path: str) -> None:
        if not is_main_process():
            return
        if self.file_backend.isfile(path):
            self.file_backend.remove(path)
        elif self.file_backend.isdir(path):  # deepspeed saves folders
            self.file_backend.rmtree(path)
