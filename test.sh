#!/usr/bin/env bash
# Runs the whole test suite. Installs the Debian packages the tests need when they are missing,
# builds everything, runs every xunit project and ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

need=()
command -v gcc >/dev/null || need+=(gcc)
command -v clang-19 >/dev/null || need+=(clang-19)
command -v llvm-objdump-19 >/dev/null || need+=(llvm-19)
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu)
command -v qemu-system-arm >/dev/null || need+=(qemu-system-arm)
command -v arm-none-eabi-gcc >/dev/null || need+=(gcc-arm-none-eabi)
command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v socat >/dev/null || need+=(socat)
if ((${#need[@]})); then
  echo "test.sh: installing ${need[*]}"
  if [ "$(id -u)" = 0 ]; then apt_get=(apt-get); else apt_get=(sudo apt-get); fi
  "${apt_get[@]}" update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq "${need[@]}" >/dev/null \
    || { echo "test.sh: could not install ${need[*]}"; echo "0 passed, 1 failed"; exit 1; }
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if ! dotnet build Firmware.sln -c Release -v q -nologo; then
  echo "test.sh: build failed"; echo "0 passed, 1 failed"; exit 1
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
for project in tests/*/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build -nologo -v q \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" || status=1
done

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$status" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
