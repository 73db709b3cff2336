# MSA-GCN on NW-UCLA (the authors' configs/nwucla/joint.yaml). SGD lr 0.1, momentum 0.9
# (Nesterov), weight decay 0.0001, 5 linear warm-up epochs, lr x0.1 at epochs 50; 65 epochs in
# all; batch 64 (16 per GPU in the dataset configs: 4 GPU(s); --auto-scale-lr rescales lr for
# another total batch).
# CTR-GCN's NW-UCLA schedule (MSA-GCN's code descends from CTR-GCN's) with a batch of 64.
_base_ = ['./ctrgcn_65e_nwucla.py']

auto_scale_lr = dict(base_batch_size=64)
