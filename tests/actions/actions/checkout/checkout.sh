#!/usr/bin/env bash
set -euo pipefail
dest="$GITHUB_WORKSPACE${IN_PATH:+/$IN_PATH}"
mkdir -p "$dest"
cd "$dest"
server="${GITHUB_SERVER_URL%/}"
url="$server/$IN_REPOSITORY.git"
key="http.$server/.extraheader"
# an existing repository (a restored .git) with the same remote is reused as actions/checkout does
# (prepareExistingDirectory): detach, delete refs/heads/* and refs/remotes/*, clean, reset; its other refs
# stay. Anything else in the folder is deleted first.
if [ -d .git ] && [ "$(git config --get remote.origin.url 2>/dev/null || true)" = "$url" ]; then
  rm -f .git/index.lock .git/shallow.lock
  git symbolic-ref -q HEAD >/dev/null && git checkout -q --detach
  git for-each-ref --format='%(refname)' refs/heads refs/remotes | while IFS= read -r r; do git update-ref -d "$r"; done
  git clean -ffdxq
  git reset -q --hard HEAD
  echo "reusing the existing repository in ${IN_PATH:-.}"
else
  find . -mindepth 1 -maxdepth 1 -exec rm -rf {} +
fi
git init -q .
git config --local --unset-all "$key" 2>/dev/null || true
git config --local "$key" "AUTHORIZATION: basic $(printf 'x-access-token:%s' "$IN_TOKEN" | base64 -w0)"
git remote remove origin 2>/dev/null || true
git remote add origin "$url"
depth=()
[ "$IN_DEPTH" = "0" ] || depth=(--depth "$IN_DEPTH")
# sparse: no file contents fetched up front (the action's default filter), the listed ones on checkout
[ -z "$IN_SPARSE" ] || depth+=(--filter=blob:none)
ref="${IN_REF:-$GITHUB_REF}"
case "$ref" in
  refs/heads/*|"") ;;
  refs/*) ;;
  *) ref="refs/heads/$ref" ;;
esac
if [ -n "$IN_SPARSE" ]; then  # only the listed files in the work tree
  if [ "$IN_CONE" = "true" ]; then cone=--cone; else cone=--no-cone; fi
  printf '%s\n' "$IN_SPARSE" | sed -e 's/^[[:space:]]*//' -e '/^$/d' | git sparse-checkout set "$cone" --stdin
fi
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
