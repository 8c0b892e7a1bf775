#!/usr/bin/env bash
# Refresh requirements/lock.txt: every package CI installs, pinned with hashes (pip --require-hashes).
# Run after changing the dependencies in pyproject.toml or requirements/lock.in, and commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet "uv>=0.4"
python3 -m uv pip compile pyproject.toml requirements/lock.in --generate-hashes --universal --python-version 3.11 \
    --no-header --quiet -o requirements/lock.txt
echo "requirements/lock.txt 已更新"
