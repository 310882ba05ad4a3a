#!/usr/bin/env bash
# Long fuzzing runs: each libFuzzer harness of tests/fuzz, from its committed
# seeds, for RUNS executions (default 10 million) or SECONDS_PER_HARNESS
# seconds (if set), whichever comes first, with
# ASan/UBSan and a 512 MB allocation cap. Writes one line per harness to
# experiments/fuzz/results.tsv (harness, executions, seconds, coverage,
# findings) and keeps findings under experiments/fuzz/findings/<harness>/.
#   experiments/fuzz/run.sh [HARNESS...]
# Builds build-fuzz/ first (under /tmp/pinas-build.lock when it exists).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${RUNS:-10000000}
seconds=${SECONDS_PER_HARNESS:-0}
build=${PINAS_FUZZ_BUILD_DIR:-build-fuzz}
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(fuzz_bristol_reader fuzz_channel_framing fuzz_model_file fuzz_idx_reader
  fuzz_architecture fuzz_genotype fuzz_experiment_config fuzz_calibration fuzz_cifar_reader fuzz_image_decoders
  fuzz_handshake fuzz_server_session fuzz_client_session)
lock=()
[ -e /tmp/pinas-build.lock ] && lock=(flock /tmp/pinas-build.lock)
"${lock[@]}" cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DPINAS_FUZZ=ON -DPINAS_BUILD_TORCH=OFF -DPINAS_BUILD_BENCHMARKS=OFF > /dev/null
"${lock[@]}" cmake --build "$build" -j "${PINAS_JOBS:-2}" --target "${harnesses[@]}"
results=experiments/fuzz/results.tsv
[ -f "$results" ] || printf 'date\tharness\texecutions\tseconds\tcoverage\tfindings\n' > "$results"
for harness in "${harnesses[@]}"; do
  work=$build/tests/fuzz/long/$harness findings=experiments/fuzz/findings/$harness
  mkdir -p "$work" "$findings"
  # Both limits when SECONDS is set: whichever comes first ends the run.
  limit=(-runs="$runs")
  [ "$seconds" -gt 0 ] && limit+=(-max_total_time="$seconds")
  # Session transcripts (the peer's bytes of a whole session) are longer than
  # any file seed; tests/fuzz/CMakeLists.txt states the same lengths.
  max_len=65536
  case $harness in fuzz_server_session | fuzz_client_session) max_len=1048576 ;; esac
  start=$(date +%s)
  status=0
  "$build/tests/fuzz/$harness" "${limit[@]}" -max_len="$max_len" -malloc_limit_mb=512 -rss_limit_mb=2048 \
    -timeout=10 -print_final_stats=1 -artifact_prefix="$findings/" "$work" "tests/fuzz/corpus/$harness" \
    > "$work.log" 2>&1 || status=$?
  elapsed=$(( $(date +%s) - start ))
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work.log" | tail -1)
  coverage=$(grep -o 'cov: [0-9]*' "$work.log" | tail -1 | cut -d' ' -f2)
  found=$(find "$findings" -type f | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$harness" "${executions:-?}" "$elapsed" \
    "${coverage:-?}" "$found" | tee -a "$results"
  [ "$status" -eq 0 ] || echo "$harness: exit status $status, see $work.log and $findings" >&2
done
