# MS-G3D on Kinetics-Skeleton (the authors' kinetics config). SGD lr 0.1, momentum 0.9 (Nesterov),
# weight decay 0.0003, lr x0.1 at epochs 45, 55; 65 epochs in all; batch 128 (16 per GPU in the
# dataset configs: 8 GPU(s); --auto-scale-lr rescales lr for another total batch).
# 2s-AGCN's Kinetics schedule with another weight decay.
_base_ = ['./2sagcn_65e_kinetics.py']

optim_wrapper = dict(optimizer=dict(weight_decay=0.0003))
