# LST (Xiang et al., ICCV 2023) with ST-GCN++ on NW-UCLA cross-view, 3D joints, joint stream: the
# ST-GCN++ config (stgcnpp/stgcnpp_50e_nwucla_xview_keypoint_3d.py, its recipe unchanged) with
# LSTHead, which adds text terms to the loss in training only (alpha 1.0, NW-UCLA's value); testing
# is plain ST-GCN++.
_base_ = ['../stgcnpp/stgcnpp_50e_nwucla_xview_keypoint_3d.py']

model = dict(cls_head=dict(type='LSTHead', layout={{_base_.layout}}, alpha=1.0,
                           text_bank=dict(texts='nwucla', encoder='use-m3')))
