#!/usr/bin/env bash
# Sets up everything on a fresh Debian/Python machine: a virtualenv in .venv with the hotline package
# (and, with --test, the test tools plus Debian's chromium and CJK fonts for the browser tests, LibreOffice and
# poppler-utils for the print tests that render the documents to PDF).
# The chart library (ECharts) is committed package data: nothing is fetched here.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

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
  .venv/bin/pip install -q --upgrade pip
fi
stamp=.venv/.installed-$( (cat pyproject.toml; echo $want_test) | sha256sum | cut -c1-16)
if [ ! -e "$stamp" ]; then
  echo "安装 hotline 及其依赖"
  if [ $want_test -eq 1 ]; then
    .venv/bin/pip install -q -e '.[test]'
  else
    .venv/bin/pip install -q -e .
  fi
  touch "$stamp"
fi
