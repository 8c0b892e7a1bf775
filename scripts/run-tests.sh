#!/usr/bin/env bash
# Sets everything up (including the browser and LibreOffice for the site and document tests), checks the code
# (import-linter layers, ruff lint and format, mypy, vulture) and runs the whole test suite. Exits non-zero if any fails.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test || exit 1
failed=()
step() {
  local name=$1; shift
  echo "== $name"
  "$@" || failed+=("$name")
}
step "import-linter（分层）" .venv/bin/lint-imports --no-cache
step "ruff check（代码检查）" .venv/bin/ruff check src tests scripts
step "ruff format --check（格式）" .venv/bin/ruff format --check src tests scripts
step "mypy（类型检查）" .venv/bin/mypy
step "vulture（无用代码）" .venv/bin/vulture
step "pytest（测试）" .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
if [ ${#failed[@]} -gt 0 ]; then
  echo "未通过：${failed[*]}" >&2
  exit 1
fi
