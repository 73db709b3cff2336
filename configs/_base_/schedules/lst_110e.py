# LST's schedule (Xiang et al., ICCV 2023; GAP's NTU and NW-UCLA configs): 5 linear warm-up
# epochs, lr x0.1 at epochs 90 and 100, 110 epochs in all; SGD Nesterov, whose lr and weight decay
# differ per dataset (NTU: 0.1, 5e-4, batch 200; NW-UCLA: 0.2, 4e-4, batch 64) and are set by the
# configs. An LST config inherits its backbone's config, whose schedule keys this file cannot
# repeat (mmengine refuses a key in two bases), so it takes them from these prefixed names:
#   train_cfg = dict(max_epochs={{_base_.lst_max_epochs}})
#   param_scheduler = {{_base_.lst_param_scheduler}}
lst_max_epochs = 110
lst_param_scheduler = [
    dict(type='LinearLR', start_factor=0.2, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='MultiStepLR', milestones=[90, 100], gamma=0.1, by_epoch=True, begin=0,
         end=lst_max_epochs)
]
