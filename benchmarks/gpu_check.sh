#!/usr/bin/env bash
# The GPU figures of docs/benchmarks.md in one command, on a CUDA machine with mmskel importable
# and the NW-UCLA pickle at data/nwucla/nwucla_3danno.pkl:
#
#     bash benchmarks/gpu_check.sh [OUT_DIR]
#
# 1. benchmarks/models.py on the GPU: every model's training step in fp32, amp (fp16 with loss
#    scaling), bf16 and channels-last.
# 2. ST-GCN on NW-UCLA cross-view, the config's 50-epoch recipe, run side by side: fp32 and bf16
#    with seeds 0 and 1, fp16 (--amp) with seed 0; per run the val top-1 of the last and best
#    epoch and the wall time. EPOCHS, TRAIN_TIMEOUT (s) and TRAIN_OPTIONS (more --cfg-options)
#    shorten it; DEVICE=cpu runs parts 1 and 3 on the CPU (a dry run of the script).
# 3. torch.compile of ST-GCN and CTR-GCN, within COMPILE_TIMEOUT seconds (the first step's time,
#    compilation included, is printed).
set -u
OUT=${1:-gpu_check}
DEVICE=${DEVICE:-cuda}
EPOCHS=${EPOCHS:-50}
TRAIN_TIMEOUT=${TRAIN_TIMEOUT:-330}
BATCH=${BATCH:-64}
FRAMES=${FRAMES:-100}
REPEATS=${REPEATS:-10}
CONFIG=configs/skeleton/stgcn/stgcn_50e_nwucla_xview_keypoint_3d.py
mkdir -p "$OUT"
python - <<'PY' 2>&1 | tee "$OUT/device.txt"
import torch
print('torch', torch.__version__, 'cuda', torch.version.cuda)
if torch.cuda.is_available():
    print(torch.cuda.get_device_name(), 'bf16:', torch.cuda.is_bf16_supported())
PY

python benchmarks/models.py --device "$DEVICE" --batch "$BATCH" --frames "$FRAMES" --warmup 3 \
    --repeats "$REPEATS" --settings fp32 amp bf16 channels_last 2>&1 | tee "$OUT/models.md"

runs=$(mktemp -d)
train() {  # NAME SEED [tools/train.py switches...]
    local name=$1 seed=$2
    shift 2
    local start=$SECONDS
    timeout "$TRAIN_TIMEOUT" python tools/train.py "$CONFIG" --validate --seed "$seed" "$@" \
        --work-dir "$runs/$name" --cfg-options train_cfg.max_epochs="$EPOCHS" \
        train_dataloader.num_workers=2 ${TRAIN_OPTIONS:-} >"$runs/$name.out" 2>&1
    echo "exit $? after $((SECONDS - start)) s" >"$runs/$name.time"
}
train fp32_seed0 0 &
train fp32_seed1 1 &
train bf16_seed0 0 --amp-dtype bfloat16 &
train bf16_seed1 1 --amp-dtype bfloat16 &
train fp16_seed0 0 --amp &
wait
python - "$runs" <<'PY' 2>&1 | tee "$OUT/nwucla.md"
import json, pathlib, sys
runs = pathlib.Path(sys.argv[1])
print('| run | epochs | val top-1 last | val top-1 best | wall |')
print('|---|---|---|---|---|')
for out in sorted(runs.glob('*.out')):
    name = out.stem
    logs = sorted((runs / name).glob('*/vis_data/scalars.json'))
    records = [json.loads(l) for l in logs[-1].read_text().splitlines()] if logs else []
    top1 = [r['acc/top1'] for r in records if 'acc/top1' in r]
    wall = (runs / f'{name}.time').read_text().strip()
    cells = [str(len(top1)), f'{100 * top1[-1]:.2f}' if top1 else '-',
             f'{100 * max(top1):.2f}' if top1 else '-', wall]
    print(f'| {name} | ' + ' | '.join(cells) + ' |')
    if not top1:
        print(out.read_text()[-2000:])
PY
timeout "${COMPILE_TIMEOUT:-150}" python benchmarks/models.py --device "$DEVICE" --batch "$BATCH" \
    --frames "$FRAMES" --warmup 3 --repeats "$REPEATS" --models ST-GCN CTR-GCN \
    --settings fp32 compile 2>&1 | tee "$OUT/compile.md"
