#!/usr/bin/env bash
# Run a command N times in a row, to catch a test or tool that fails only now and then.
#   bash tools/dev/repeat.sh N COMMAND [ARGS...]
# Each failing run's exit code and output (the log is kept) are reported; the last line counts the
# runs and failures and gives the wall time. Exits 1 if any run failed.
set -uo pipefail
if [ $# -lt 2 ] || ! [[ $1 =~ ^[0-9]+$ ]]; then
    echo "usage: bash $0 N COMMAND [ARGS...]" >&2
    exit 2
fi
runs=$1
shift
logs=$(mktemp -d "${TMPDIR:-/tmp}/repeat.XXXXXX")
failed=0
start=$SECONDS
for ((i = 1; i <= runs; i++)); do
    if "$@" > "$logs/run_$i.log" 2>&1; then
        rm -f "$logs/run_$i.log"
    else
        rc=$?
        failed=$((failed + 1))
        echo "run $i of $runs exited $rc; its output: $logs/run_$i.log"
        tail -n 20 "$logs/run_$i.log" | sed 's/^/    /'
    fi
done
[ "$failed" -eq 0 ] && rmdir "$logs"
echo "repeat: $runs runs, $failed failed, $((SECONDS - start)) s: $*"
[ "$failed" -eq 0 ]
