#!/usr/bin/env bash
set -euo pipefail
dest="$GITHUB_WORKSPACE${IN_PATH:+/$IN_PATH}"
mkdir -p "$dest"
cd "$dest"
server="${GITHUB_SERVER_URL%/}"
key="http.$server/.extraheader"
git init -q .
git config --local --unset-all "$key" 2>/dev/null || true
git config --local "$key" "AUTHORIZATION: basic $(printf 'x-access-token:%s' "$IN_TOKEN" | base64 -w0)"
git remote remove origin 2>/dev/null || true
git remote add origin "$server/$IN_REPOSITORY.git"
depth=()
[ "$IN_DEPTH" = "0" ] || depth=(--depth "$IN_DEPTH")
ref="${IN_REF:-$GITHUB_REF}"
case "$ref" in
  refs/heads/*|"") ;;
  refs/*) ;;
  *) ref="refs/heads/$ref" ;;
esac
if [ "$IN_DEPTH" = "0" ]; then
  git fetch -q --prune origin "+refs/heads/*:refs/remotes/origin/*" "+refs/tags/*:refs/tags/*"
fi
case "$ref" in
  refs/heads/*)
    b="${ref#refs/heads/}"
    git fetch -q "${depth[@]}" origin "+$ref:refs/remotes/origin/$b"
    git checkout -q -B "$b" "refs/remotes/origin/$b"
    ;;
  *)
    git fetch -q "${depth[@]}" origin "+$ref:$ref"
    git checkout -q --detach "$ref"
    ;;
esac
[ "$IN_PERSIST" = "true" ] || git config --local --unset-all "$key"
echo "checked out $(git rev-parse HEAD) ($ref) into ${IN_PATH:-.}"
