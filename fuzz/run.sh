#!/usr/bin/env bash
# Runs every cargo-fuzz target for a set time each (default 120 s) at the lowest CPU
# priority, on one core, starting from and adding to the corpus in fuzz/corpus/<target>.
# A crash is written to fuzz/artifacts/<target>/; turn it into a regression test in
# tests/fuzz_regressions.rs. Needs cargo-fuzz (`cargo install cargo-fuzz`) and a
# nightly toolchain, or stable with RUSTC_BOOTSTRAP=1 (used here).
#   fuzz/run.sh [seconds] [target ...]
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_EACH=${1:-120}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(region_decode config_json polygon_vertices pixel_index fits_header)
fi
export RUSTC_BOOTSTRAP=1
for target in "${TARGETS[@]}"; do
  mkdir -p "corpus/$target" "artifacts/$target"
  echo "=== $target: ${SECONDS_EACH}s"
  # -timeout: one input running over 10 s is reported as a hang.
  nice -n 19 cargo fuzz run --release "$target" "corpus/$target" -- \
    -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -print_final_stats=1 2>&1 | tee "artifacts/$target/last-run.log" |
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+== ERROR|SUMMARY|Done)" || true
done
