# ST-GCN++ (pyskl's recipe: learned 'init' graph, residual graph convolution, multi-scale TCN)
# for NTU RGB+D 60, 3D joints, 2 persons. pyskl's released ST-GCN++ checkpoints load into it.
model = dict(
    type='RecognizerGCN',
    backbone=dict(type='STGCN', in_channels=3, num_person=2, adaptive='init', gcn_with_res=True,
                  tcn_type='mstcn', graph_cfg=dict(layout='nturgb+d', mode='spatial')),
    cls_head=dict(type='GCNHead', num_classes=60, in_channels=256))
