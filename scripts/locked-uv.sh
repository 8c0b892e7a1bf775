#!/usr/bin/env bash
# Installs the uv release requirements/lock.txt pins (checked against its hashes by pip) into the environment of the
# given Python, unless that environment already runs it. Used by scripts/setup.sh (.venv) and scripts/lock.sh (the
# lock workflow's Python). Usage: scripts/locked-uv.sh PYTHON
set -euo pipefail
cd "$(dirname "$0")/.."
py=$1
block=$(awk '/^uv==/{p=1} p{print} p && !/\\$/{exit}' requirements/lock.txt)
want=$(echo "$block" | sed -nE '1s/^uv==([^ ;]+).*/\1/p')
have=$("$py" -m uv --version 2>/dev/null | cut -d' ' -f2 || true)
[ "$have" = "$want" ] && exit 0
echo "安装 uv $want（锁定版本）"
req=$(mktemp)
trap 'rm -f "$req"' EXIT
echo "$block" >"$req"
"$py" -m pip install -q --disable-pip-version-check --require-hashes --no-deps -r "$req"
