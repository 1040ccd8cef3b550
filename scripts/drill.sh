#!/usr/bin/env bash
# Fault drill: the real binary in tmux against a faulty sandbox (see scripts/drill/main.go).
#   scripts/drill.sh            10 minutes
#   scripts/drill.sh -short     1 minute
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./scripts/drill "$@"
