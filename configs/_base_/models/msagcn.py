# MSA-GCN (Alowonou and Han, IEEE Access 2024) for NTU RGB+D 60, 3D joints, 2 persons, 64-frame
# clips, in the structure of the authors' code (github.com/SeoulTech-HCIRLab/MSGCN): their
# checkpoints load into it. Configs inherit it and change graph_cfg.layout, num_person and
# cls_head.num_classes; num_frames must equal the pipeline's clip_len (the temporal attention
# of every block has a fixed length).
model = dict(
    type='RecognizerGCN',
    backbone=dict(type='MSAGCN', in_channels=3, num_person=2, num_frames=64, base_channels=80,
                  graph_cfg=dict(layout='nturgb+d', mode='spatial')),
    cls_head=dict(type='GCNHead', num_classes=60, in_channels=320))
