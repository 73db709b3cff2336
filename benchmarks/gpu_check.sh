#!/usr/bin/env bash
# The GPU figures of docs/benchmarks.md in one command, on a CUDA machine with mmskel importable
# and the NW-UCLA pickle at data/nwucla/nwucla_3danno.pkl:
#
#     bash benchmarks/gpu_check.sh [OUT_DIR]
#
# 1. benchmarks/models.py on the GPU: every model's training step in fp32, amp (fp16 with loss
#    scaling), bf16 and channels-last.
# 2. ST-GCN on NW-UCLA cross-view, the config's 50-epoch recipe, six runs side by side
#    (benchmarks/amp_accuracy.py): fp32, bf16 and fp16 with seeds 0 and 1; per run the val top-1
#    of the last and best epoch and the wall time. EPOCHS, WARMUP, TRAIN_TIMEOUT (s; the runs
#    resume when the script runs again, from RUNS) and TRAIN_OPTIONS (more --cfg-options) shorten
#    it; DEVICE=cpu PRECISIONS="fp32 bf16" is a dry run of the whole script on the CPU.
# 3. torch.compile of ST-GCN and CTR-GCN, within COMPILE_TIMEOUT seconds (the first step's time,
#    compilation included, is printed).
# 4. PoseC3D SlowOnly-R50 on NW-UCLA 2D pixels (PIXELS, converted from NWUCLA_ROOT if missing):
#    one training epoch (10 passes over the 1020 clips, batch 32, WORKERS loader processes) in
#    fp32 and with --amp, within POSEC3D_TIMEOUT seconds each; analyze_logs.py cal_train_time
#    prints the step time and the part of it spent waiting for the heatmap pipeline
#    (POSEC3D_OPTIONS: more --cfg-options).
set -u
OUT=${1:-gpu_check}
DEVICE=${DEVICE:-cuda}
EPOCHS=${EPOCHS:-50}
WARMUP=${WARMUP:-5}
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

# resumable: run the script again and unfinished runs continue from their last checkpoint
python benchmarks/amp_accuracy.py --config "$CONFIG" --root "${RUNS:-work_dirs/gpu_check}" \
    --epochs "$EPOCHS" --warmup "$WARMUP" --seeds 0 1 --precisions ${PRECISIONS:-fp32 bf16 fp16} \
    --parallel 6 --timeout "$TRAIN_TIMEOUT" --cfg-options train_dataloader.num_workers=2 ${TRAIN_OPTIONS:-} \
    2>&1 | tee "$OUT/nwucla.md"
timeout "${COMPILE_TIMEOUT:-150}" python benchmarks/models.py --device "$DEVICE" --batch "$BATCH" \
    --frames "$FRAMES" --warmup 3 --repeats "$REPEATS" --models ST-GCN CTR-GCN \
    --settings fp32 compile 2>&1 | tee "$OUT/compile.md"

P3D=configs/skeleton/posec3d/slowonly_r50_u48_240e_nwucla_xview_keypoint.py
PIXELS=${PIXELS:-data/nwucla/nwucla_2danno.pkl}
[ -f "$PIXELS" ] || python tools/data/nwucla/convert_nwucla.py --pixels --out "$PIXELS" \
    --root "${NWUCLA_ROOT:-../shared/data/NW-UCLA/all_sqe}"
mkdir -p "${RUNS:-work_dirs/gpu_check}"
for amp in "" --amp; do
    run="${RUNS:-work_dirs/gpu_check}/posec3d_epoch${amp:+_amp}"
    timeout "${POSEC3D_TIMEOUT:-240}" python tools/train.py "$P3D" $amp --work-dir "$run" \
        --cfg-options train_cfg.max_epochs=1 \
        train_dataloader.dataset.ann_file="$PIXELS" train_dataloader.batch_size=32 \
        train_dataloader.num_workers="${WORKERS:-12}" ${POSEC3D_OPTIONS:-} > "$run.log" 2>&1
    echo "## SlowOnly-R50, NW-UCLA 2D pixels, one epoch${amp:+ with --amp}" | tee -a "$OUT/posec3d.md"
    python tools/analysis/analyze_logs.py cal_train_time "$run" 2>&1 | tee -a "$OUT/posec3d.md"
done
