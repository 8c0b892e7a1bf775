#!/usr/bin/env bash
# The main job on the built-in sample data (orders/, units/, scoring/): check the records, list every
# dispatch's status, score the units for the latest month, and build the internal site.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
AS_OF=${AS_OF:-$(date -u -d '+8 hours' '+%Y-%m-%d %H:%M')}   # Beijing time
latest=$(ls -d orders/[0-9]*/[0-9]* | sort | tail -n 1)       # e.g. orders/2026/11
MONTH=${MONTH:-$(echo "$latest" | awk -F/ '{print $2 "-" $3}')}
H=.venv/bin/hotline

echo "== 1. 检查记录（hotline check） =="
$H check --as-of "$AS_OF"
echo
echo "== 2. 办理状态（hotline status） =="
$H status --as-of "$AS_OF"
echo
echo "== 3. ${MONTH} 考核（hotline score） =="
$H score --period "$MONTH" --as-of "$AS_OF"
echo
echo "== 4. 内部网站（hotline site build） =="
$H site build --as-of "$AS_OF"
echo
echo "网站位置：$PWD/site"
echo "在浏览器中查看：.venv/bin/hotline site serve --dir site，然后打开 http://127.0.0.1:8000/"
