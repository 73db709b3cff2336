# LST with CTR-GCN on NW-UCLA cross-view, 3D joints, joint stream: CTR-GCN's CPU budget recipe
# (ctrgcn_30e_nwucla_xview_keypoint_3d_cpu.py: 32-frame clips, 30 passes, warm-up + cosine, batch
# 16) with LSTHead's text terms (alpha 1.0, the authors' NW-UCLA value) added to the loss in
# training; testing is plain CTR-GCN. The arms of the CE vs LST comparison (docs/lst.md), all on
# this one config, same recipe and seeds:
#   CE only:           --cfg-options model.cls_head.alpha=0
#   CE + LST:          (this config)
#   shuffled texts:    --cfg-options model.cls_head.text_bank.shuffle_classes=True
# Recipe: mmskel's CPU budget recipe for NW-UCLA, with LST.
_base_ = ['../ctrgcn/ctrgcn_30e_nwucla_xview_keypoint_3d_cpu.py']

model = dict(cls_head=dict(type='LSTHead', layout={{_base_.layout}}, alpha=1.0,
                           text_bank=dict(texts='nwucla', encoder='use-m3')))
