#!/usr/bin/env bash
# Whole-program figures: `fwctl run --repeat N --json` for every program of bench/programs, on the
# same 4 KiB input the BenchmarkDotNet run uses. One line per program and engine.
#   bench/fwctl-run.sh [ENGINE...]        engines to run (default: interpreter)
#   REPEAT=N                              runs per program (default 10000)
#   FWCTL=path, BENCH="command"           use existing builds instead of building fwctl and the bench
set -euo pipefail
cd "$(dirname "$0")/.."
engines=("${@:-interpreter}")
repeat=${REPEAT:-10000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -z "${FWCTL:-}" ]; then
  dotnet build host-tools/fwctl -c Release -v q -nologo >/dev/null
  FWCTL=host-tools/fwctl/bin/Release/net10.0/fwctl
fi
${BENCH:-dotnet run -c Release --project bench/Firmware.Bench --} --save-input "$tmp/input.bin"

for source in bench/programs/*.c; do
  name=$(basename "$source" .c)
  clang-19 -O2 -g -target bpf -mcpu=v4 -I tests/data/corpus/include -c "$source" -o "$tmp/$name.o"
  for engine in "${engines[@]}"; do
    printf '%-14s %-12s ' "$name" "$engine"
    "$FWCTL" run "$tmp/$name.o" --mem "$tmp/input.bin" --engine "$engine" --repeat "$repeat" --json
  done
done
