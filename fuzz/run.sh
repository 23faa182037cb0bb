#!/usr/bin/env bash
# Run every atheris target for a bounded time and print its statistics.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default 30 s; default every target)
#
# Crash inputs go to $WIRE_FUZZ_ARTIFACTS (default /tmp/wire-fuzz/); corpora are kept
# there too, so a later run starts where the last one stopped. Exit status 1 if any
# target found a crash.
set -u
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift || true
python="${PYTHON:-python}"
out="${WIRE_FUZZ_ARTIFACTS:-/tmp/wire-fuzz}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(fuzz/fuzz_*.py)
fi
status=0
for target in "${targets[@]}"; do
    name="$(basename "$target" .py)"
    mkdir -p "$out/$name/corpus"
    log="$out/$name/last.log"
    # -timeout: one input taking over 5 s counts as a hang; -rss_limit_mb bounds memory.
    "$python" "$target" "$out/$name/corpus" -max_total_time="$seconds" -timeout=5 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/$name/" >"$log" 2>&1
    rc=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    runs="${runs:-0}"
    verdict="ok"
    if [ "$rc" -ne 0 ]; then
        verdict="FINDING (see $log)"
        status=1
    fi
    printf '%-28s %10s runs  %8s runs/s  %s\n' "$name" "$runs" "$((runs / seconds))" "$verdict"
done
exit "$status"
