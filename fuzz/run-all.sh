#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each, one after
# another, one job each, and prints per target the executions and the time.
# Stops with failure at the first crash (its input is in
# fuzz/artifacts/TARGET/).
#
#   fuzz/run-all.sh SECONDS [TARGET...]
#
# Each target starts from fuzz/corpus/TARGET (scratch, not committed,
# kept between runs) with the committed seeds fuzz/seeds/TARGET copied in.
# Needs cargo-fuzz (`cargo install cargo-fuzz`); RUSTC_BOOTSTRAP=1 lets it
# use the nightly-only flags it needs on a stable toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 1 ] || ! [[ $1 =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: fuzz/run-all.sh SECONDS [TARGET...]" >&2
    exit 2
fi
seconds=$1
shift
export RUSTC_BOOTSTRAP=1

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi
logs=fuzz/target/run-all
mkdir -p "$logs"
if ! cargo fuzz build >"$logs/build.log" 2>&1; then
    tail -20 "$logs/build.log" >&2
    exit 1
fi

printf '%-16s %8s %12s %10s %8s\n' target seconds executions 'exec/s' corpus
for t in "${targets[@]}"; do
    corpus=fuzz/corpus/$t
    mkdir -p "$corpus"
    [ -d "fuzz/seeds/$t" ] && cp -n fuzz/seeds/"$t"/* "$corpus"/ 2>/dev/null || true
    log=$logs/$t.log
    status=0
    cargo fuzz run "$t" "$corpus" "fuzz/seeds/$t" -- \
        -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1 || status=$?
    # libFuzzer's last words: "Done N runs in S second(s)" and the final stats.
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    size=$(find "$corpus" -type f | wc -l)
    printf '%-16s %8s %12s %10s %8s\n' "$t" "${secs:-?}" "${runs:-?}" "${rate:-?}" "$size"
    if [ "$status" -ne 0 ]; then
        echo "$t: failed (exit $status); the end of $log:" >&2
        grep -E 'panicked|ERROR|SUMMARY|Test unit written|artifact_prefix|assert' "$log" | tail -20 >&2 || true
        tail -5 "$log" >&2
        exit 1
    fi
done
