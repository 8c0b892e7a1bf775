#!/usr/bin/env bash
# Sets up everything on a fresh Debian/Python machine: a virtualenv in .venv holding exactly the packages of
# requirements/lock.txt (runtime, test and lint tools alike, so `pip list` equals the lock) and the hotline package;
# with --test also Debian's chromium and CJK fonts for the browser tests, LibreOffice and poppler-utils for the print
# tests that render the documents to PDF, and rsync for the site workflow's copy route.
# The chart library (ECharts) is committed package data: nothing is fetched here.
# Idempotent: a second run only checks (about a second), and puts back any package that drifted from the lock.
set -euo pipefail
cd "$(dirname "$0")/.."
# uv trusts the system's certificate store (as pip does), so a county proxy with its own CA works too.
export UV_SYSTEM_CERTS=${UV_SYSTEM_CERTS:-1}

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "请先安装系统软件包：sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "安装系统软件包：${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

apt_install git
if [ $want_test -eq 1 ]; then
  # chromium + CJK fonts: the browser tests; rsync: the site workflow's copy route, run by the workflow tests;
  # LibreOffice and poppler-utils: the print tests (documents rendered to PDF and read back)
  apt_install chromium fonts-noto-cjk rsync libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "创建虚拟环境 .venv"
  "$PY" -m venv .venv
fi
# Everything comes from the lock (requirements/lock.txt, refreshed by scripts/lock.sh): first the installer uv,
# its own locked release checked against its hashes by the venv's pip; then exactly the locked set. `uv pip sync`
# puts a package that drifted back to its pin and removes one the lock does not name.
scripts/locked-uv.sh .venv/bin/python
echo "按 requirements/lock.txt 同步依赖"
.venv/bin/uv pip sync -q --require-hashes --python .venv/bin/python requirements/lock.txt
# hotline itself, editable, with no dependencies of its own to fetch (all locked above; the locked setuptools builds it)
.venv/bin/uv pip install -q --no-deps --no-build-isolation --python .venv/bin/python -e .
