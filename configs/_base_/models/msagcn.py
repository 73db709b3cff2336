# MSA-GCN (Alowonou and Han, IEEE Access 2024), 3D joints, in the structure of the authors' code
# (github.com/SeoulTech-HCIRLab/MSGCN): their checkpoints load into it. num_frames must equal the
# pipeline's clip_len (the temporal attention of every block has a fixed length).
# The dataset's facts (graph layout, persons, classes) are not stated here: a config reads
# them from its dataset base (graph_cfg=dict(layout={{_base_.layout}}), ...).
model = dict(
    type='RecognizerGCN',
    backbone=dict(type='MSAGCN', in_channels=3, num_frames=64, base_channels=80,
                  graph_cfg=dict(mode='spatial')),
    cls_head=dict(type='GCNHead', in_channels=320))
