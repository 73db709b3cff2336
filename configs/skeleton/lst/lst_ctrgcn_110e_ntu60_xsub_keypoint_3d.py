# LST (Xiang et al., ICCV 2023, "Generative Action Description Prompts"; MartinXM/GAP) with CTR-GCN
# on NTU RGB+D 60 cross-subject, 3D joints, joint stream: CTR-GCN's config with LSTHead, which adds
# text terms (global + head/hand/hip/foot) to the loss in training only; testing is plain CTR-GCN.
# Recipe: the authors' (GAP's NTU configs): SGD lr 0.1 Nesterov, wd 5e-4, 5 warm-up epochs, lr x0.1
# at 90 and 100; 110 epochs, batch 200 (50 per GPU x 4 GPUs), 64-frame clips (CTR-GCN's NTU feeder),
# alpha 0.8. Text: mmskel's descriptions encoded by use-m3 (the paper fine-tunes CLIP's text tower)
# into a cached bank, built on first use (docs/lst.md).
_base_ = ['../ctrgcn/ctrgcn_65e_ntu60_xsub_keypoint_3d.py', '../../_base_/schedules/lst_110e.py']

model = dict(cls_head=dict(type='LSTHead', layout={{_base_.layout}}, alpha=0.8,
                           text_bank=dict(texts='ntu60', encoder='use-m3')))

train_cfg = dict(max_epochs={{_base_.lst_max_epochs}})
param_scheduler = {{_base_.lst_param_scheduler}}
optim_wrapper = dict(optimizer=dict(lr=0.1, weight_decay=0.0005))
train_dataloader = dict(batch_size=50)
auto_scale_lr = dict(base_batch_size=200)
