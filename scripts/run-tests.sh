#!/usr/bin/env bash
# Sets everything up (including the browser for the site tests) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
exec .venv/bin/python -m pytest -q "$@"
