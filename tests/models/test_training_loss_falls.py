"""A short training run on real NW-UCLA skeletons: the loss of a small ST-GCN must fall.

80 real sequences from 4 classes (``tests/conftest.py``), 40 SGD iterations (8 epochs)
with fixed seeds.
"""


def test_training_loss_falls_on_real_nwucla(train_losses, loss_falls):
    model = dict(
        type='RecognizerGCN',
        backbone=dict(type='STGCN', graph_cfg=dict(layout='nw-ucla', mode='stgcn_spatial'),
                      base_channels=16, num_stages=4, inflate_stages=(3,), down_stages=(3,)),
        cls_head=dict(type='GCNHead', num_classes=4, in_channels=32))
    loss_falls(train_losses(model))
