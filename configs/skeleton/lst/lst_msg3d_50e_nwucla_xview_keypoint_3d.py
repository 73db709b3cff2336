# LST (Xiang et al., ICCV 2023) with MS-G3D on NW-UCLA cross-view, 3D joints, joint stream: the
# MS-G3D config (msg3d/msg3d_50e_nwucla_xview_keypoint_3d.py, its recipe unchanged) with LSTHead,
# which adds text terms to the loss in training only (alpha 1.0, NW-UCLA's value); testing is plain
# MS-G3D.
_base_ = ['../msg3d/msg3d_50e_nwucla_xview_keypoint_3d.py']

model = dict(cls_head=dict(type='LSTHead', layout={{_base_.layout}}, alpha=1.0,
                           text_bank=dict(texts='nwucla', encoder='use-m3')))
