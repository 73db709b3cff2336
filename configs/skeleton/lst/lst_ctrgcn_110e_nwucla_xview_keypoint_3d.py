# LST (Xiang et al., ICCV 2023, "Generative Action Description Prompts"; MartinXM/GAP) with CTR-GCN
# on NW-UCLA cross-view, 3D joints, joint stream: CTR-GCN's NW-UCLA config with LSTHead, which adds
# text terms (global + head/hand/hip/foot) to the loss in training only; testing is plain CTR-GCN.
# Recipe: the authors' (GAP's NW-UCLA config): SGD lr 0.2 Nesterov, wd 4e-4, 5 warm-up epochs, lr
# x0.1 at 90 and 100; 110 epochs, batch 64 (1 GPU), CTR-GCN's NW-UCLA feeder (52-frame clips, the
# training set repeated 5 times an epoch), alpha 1.0. Text: mmskel's NW-UCLA descriptions encoded by
# use-m3 into a cached bank, built on first use (docs/lst.md). The control arm of the CE vs LST
# comparison: --cfg-options model.cls_head.text_bank.shuffle_classes=True
_base_ = ['../ctrgcn/ctrgcn_65e_nwucla_xview_keypoint_3d.py', '../../_base_/schedules/lst_110e.py']

model = dict(cls_head=dict(type='LSTHead', layout={{_base_.layout}}, alpha=1.0,
                           text_bank=dict(texts='nwucla', encoder='use-m3')))

train_cfg = dict(max_epochs={{_base_.lst_max_epochs}})
param_scheduler = {{_base_.lst_param_scheduler}}
optim_wrapper = dict(optimizer=dict(lr=0.2, weight_decay=0.0004))
train_dataloader = dict(batch_size=64)
auto_scale_lr = dict(base_batch_size=64)
