#!/usr/bin/env bash
# Refreshes the lock, the one list every install is made from:
#   requirements/lock.txt      every package of the development environment (.venv): the runtime dependencies,
#                              the test and lint tools (pyproject.toml's extras), the build backend, pip and uv —
#                              pinned with hashes, resolved once for CPython 3.11 and 3.12 (universal markers);
#   requirements/runtime.txt   the runtime part of that same resolution (same versions, same hashes): what the
#                              workflows install on a runner (no test tools there).
# Usage: scripts/lock.sh            re-resolve after a change to pyproject.toml or requirements/lock.in, keeping
#                                   every existing pin that still fits;
#        scripts/lock.sh --upgrade  the newest release of everything (the weekly lock workflow runs this).
# Runs the locked uv: .venv's (scripts/setup.sh), else `python3 -m uv`, installed from the lock's hashes when missing
# (the lock workflow). A package mirror: set UV_DEFAULT_INDEX (the hashes still decide what is accepted).
set -euo pipefail
cd "$(dirname "$0")/.."
# uv trusts the system's certificate store (as pip does), so a county proxy with its own CA works too.
export UV_SYSTEM_CERTS=${UV_SYSTEM_CERTS:-1}
if [ -x .venv/bin/uv ]; then
  UV=(.venv/bin/uv)
else
  scripts/locked-uv.sh python3
  UV=(python3 -m uv)
fi
upgrade=()
[ "${1:-}" = "--upgrade" ] && upgrade=(--upgrade)
common=(--generate-hashes --universal --python-version 3.11 --no-header --quiet)
# uv reads the existing output file as its preferences: without --upgrade, unchanged pins stay.
"${UV[@]}" pip compile pyproject.toml --all-extras requirements/lock.in "${common[@]}" "${upgrade[@]}" \
    -o requirements/lock.txt
# The runtime part: the package's own dependencies and the build backend, held to the versions just locked.
pins=$(mktemp)
trap 'rm -f "$pins"' EXIT
grep -E '^[A-Za-z0-9][A-Za-z0-9._-]*==' requirements/lock.txt | sed -E 's/ *\\$//' >"$pins"
printf 'setuptools\n' | "${UV[@]}" pip compile pyproject.toml - -c "$pins" "${common[@]}" --no-annotate \
    -o requirements/runtime.txt.new
mv requirements/runtime.txt.new requirements/runtime.txt
echo "requirements/lock.txt 与 requirements/runtime.txt 已更新"
