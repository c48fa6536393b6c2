#!/bin/sh
# `npm test`: set up what the tests need, then run them all. On Debian or Ubuntu the missing system
# packages are installed with apt-get (as root, or through sudo when it asks no password); elsewhere, or
# when that fails, this says what to install, and the tests that need a missing part report "not run".
# Arguments go to vitest (`npm test -- test/engine` runs one folder).
set -eu
cd "$(dirname "$0")/.."

say() { printf '\033[1m%s\033[0m\n' "$*"; }

# The system packages the tests use: Chromium for the UI, Python's onnx (and NumPy) as an independent checker
# of exported files, PyTorch with OpenBLAS for the benchmark's comparison and the committed fixtures' script.
missing=""
if [ -z "${DIGIT_LAB_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then missing="$missing chromium"; fi
if [ -z "${DIGIT_LAB_PYTHON:-}" ]; then
  /usr/bin/python3 -c 'import onnx, numpy' > /dev/null 2>&1 || missing="$missing python3-onnx"
  /usr/bin/python3 -c 'import torch' > /dev/null 2>&1 || missing="$missing python3-torch"
fi
if command -v dpkg-query > /dev/null 2>&1 && ! dpkg-query -W -f='${Status}' libopenblas0-pthread 2> /dev/null | grep -q 'ok installed'; then
  missing="$missing libopenblas0-pthread"
fi

if [ -n "$missing" ]; then
  as_root=""
  if [ "$(id -u)" = 0 ]; then as_root="yes"; elif command -v sudo > /dev/null 2>&1 && sudo -n true 2> /dev/null; then as_root="sudo"; fi
  if command -v apt-get > /dev/null 2>&1 && [ -n "$as_root" ]; then
    run=""; [ "$as_root" = sudo ] && run="sudo"
    say "Installing the system packages the tests use:$missing"
    if ! { $run env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
           $run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing > /dev/null; }; then
      say "Could not install$missing with apt-get; the tests that need them will say \"not run\"."
    fi
  elif command -v apt-get > /dev/null 2>&1; then
    say "Missing system packages:$missing. Install them with: sudo apt-get install$missing"
    say "(the tests that need them will say \"not run\")"
  else
    say "Missing system parts:$missing (Debian package names). Install Chromium and Python 3 with onnx, numpy and torch,"
    say "then set DIGIT_LAB_CHROMIUM and DIGIT_LAB_PYTHON to them; the tests that need them will say \"not run\" until then."
  fi
fi

if [ ! -f node_modules/.package-lock.json ]; then
  say "Installing npm packages (npm install)"
  npm install --no-audit --no-fund
fi

npm run build:wasm
npm run typecheck
# The built main bundle and preload against a stand-in of electron (builds out/ first; see test/desktop/run.mjs),
# when the whole suite runs.
if [ $# -eq 0 ]; then npm run test:desktop; fi
exec npx vitest run "$@"
