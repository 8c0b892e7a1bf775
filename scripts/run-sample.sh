#!/usr/bin/env bash
# The main job on the built-in sample data: check the records, list every dispatch's status.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
AS_OF=${AS_OF:-$(date -u -d '+8 hours' '+%Y-%m-%d %H:%M')}
echo "== 检查记录（hotline check） =="
.venv/bin/hotline check --as-of "$AS_OF"
echo
echo "== 办理状态（hotline status） =="
.venv/bin/hotline status --as-of "$AS_OF"
