#!/usr/bin/env bash
# Test stand-in for actions/cache/restore and actions/cache/save: a folder store on this machine
# ($ACTIONS_CACHE_STANDIN, set by tests/workflow_harness.py) instead of the cache service. It behaves as the
# real action does against a Gitea runner's cache server (act's artifactcache), which is what matters here:
# - one store per repository: every run of every workflow and event (a pull request's included) reads and
#   writes the same entries;
# - an entry is found by its key *and* its version: the SHA-256 of the `path` input's lines as written, joined
#   by "|" with the compression method and the salt "1.0" (@actions/cache getCacheVersion) — so a different
#   path list never restores it;
# - restore: the exact key (with that version), else for each restore key in order the newest entry whose key
#   starts with it; save: an existing key with the same version is kept, not overwritten;
# - one tar per entry holding every path relative to the workspace ("../../home/…" for "~/…"), created and
#   unpacked with `tar -P` as @actions/cache does: an entry's members may be written anywhere.
set -euo pipefail
mode=$1
store=${ACTIONS_CACHE_STANDIN:?the workflow tests set ACTIONS_CACHE_STANDIN}
mkdir -p "$store"
mapfile -t paths < <(printf '%s\n' "$IN_PATH" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/^$/d')
resolve() {
  case $1 in
    "~"/*) printf '%s\n' "$HOME/${1#\~/}" ;;
    /*) printf '%s\n' "$1" ;;
    *) printf '%s\n' "$GITHUB_WORKSPACE/$1" ;;
  esac
}
version=$( (printf '%s|' "${paths[@]}"; printf 'zstd|1.0') | sha256sum | cut -c1-64)
entry_of() { printf '%s\n%s' "$1" "$version" | sha256sum | cut -c1-32; }
if [ "$mode" = save ]; then
  dir=$store/$(entry_of "$IN_KEY")
  if [ -d "$dir" ]; then echo "缓存 $IN_KEY 已存在，不覆盖"; exit 0; fi
  tmp=$(mktemp -d "$store/.new.XXXXXX")
  printf '%s' "$IN_KEY" > "$tmp/key"
  printf '%s' "$version" > "$tmp/version"
  members=()
  for p in "${paths[@]}"; do
    abs=$(resolve "$p")
    if [ -e "$abs" ] || [ -L "$abs" ]; then members+=("$(realpath -s --relative-to="$GITHUB_WORKSPACE" "$abs")"); fi
  done
  if [ "${#members[@]}" -eq 0 ]; then
    rm -rf "$tmp"
    echo "::warning::Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved."
    exit 0
  fi
  tar -C "$GITHUB_WORKSPACE" -P -cf "$tmp/cache.tar" "${members[@]}"
  mv "$tmp" "$dir"
  echo "Cache saved with key: $IN_KEY"
  exit 0
fi
found=
if [ -d "$store/$(entry_of "$IN_KEY")" ]; then
  found=$store/$(entry_of "$IN_KEY")
else
  while IFS= read -r prefix; do
    prefix=$(printf '%s' "$prefix" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')
    [ -n "$prefix" ] || continue
    for d in $(ls -1td "$store"/*/ 2>/dev/null); do
      [ "$(cat "$d/version")" = "$version" ] || continue
      if [[ "$(cat "$d/key")" == "$prefix"* ]]; then found=${d%/}; break; fi
    done
    [ -z "$found" ] || break
  done <<< "$IN_RESTORE_KEYS"
fi
if [ -z "$found" ]; then
  echo "Cache not found for input keys: $IN_KEY"
  echo "cache-hit=false" >> "$GITHUB_OUTPUT"
  exit 0
fi
matched=$(cat "$found/key")
tar -xf "$found/cache.tar" -P -C "$GITHUB_WORKSPACE"
echo "Cache restored from key: $matched"
[ "$matched" = "$IN_KEY" ] && hit=true || hit=false
echo "cache-hit=$hit" >> "$GITHUB_OUTPUT"
echo "cache-matched-key=$matched" >> "$GITHUB_OUTPUT"
