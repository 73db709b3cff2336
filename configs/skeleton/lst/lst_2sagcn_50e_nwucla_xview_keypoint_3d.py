# LST (Xiang et al., ICCV 2023) with 2s-AGCN/MS-AAGCN on NW-UCLA cross-view, 3D joints, joint
# stream: the 2s-AGCN/MS-AAGCN config (2s-agcn/2sagcn_50e_nwucla_xview_keypoint_3d.py, its recipe
# unchanged) with LSTHead, which adds text terms to the loss in training only (alpha 1.0, NW-UCLA's
# value); testing is plain 2s-AGCN/MS-AAGCN.
_base_ = ['../2s-agcn/2sagcn_50e_nwucla_xview_keypoint_3d.py']

model = dict(cls_head=dict(type='LSTHead', layout={{_base_.layout}}, alpha=1.0,
                           text_bank=dict(texts='nwucla', encoder='use-m3')))
