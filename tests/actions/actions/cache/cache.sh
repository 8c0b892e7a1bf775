#!/usr/bin/env bash
# Test stand-in for actions/cache/restore and actions/cache/save: a folder store on this machine
# ($ACTIONS_CACHE_STANDIN, set by tests/workflow_harness.py) instead of the hosted cache service.
# Each cache is a folder named by the key's hash, holding the key and one tar per path (paths are
# stored relative to themselves, so "~/..." restores into this run's HOME as on a fresh runner).
# restore: the exact key, else the newest cache whose key starts with one of the restore keys (in order).
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
hash_of() { printf '%s' "$1" | sha256sum | cut -c1-32; }
if [ "$mode" = save ]; then
  dir=$store/$(hash_of "$IN_KEY")
  if [ -d "$dir" ]; then echo "缓存 $IN_KEY 已存在，不覆盖"; exit 0; fi
  tmp=$(mktemp -d "$store/.new.XXXXXX")
  printf '%s' "$IN_KEY" > "$tmp/key"
  i=0
  for p in "${paths[@]}"; do
    abs=$(resolve "$p")
    if [ -d "$abs" ]; then tar -C "$abs" -cf "$tmp/$i.tar" .; fi
    i=$((i + 1))
  done
  mv "$tmp" "$dir"
  echo "Cache saved with key: $IN_KEY"
  exit 0
fi
found=
if [ -d "$store/$(hash_of "$IN_KEY")" ]; then
  found=$store/$(hash_of "$IN_KEY")
else
  while IFS= read -r prefix; do
    prefix=$(printf '%s' "$prefix" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')
    [ -n "$prefix" ] || continue
    for d in $(ls -1td "$store"/*/ 2>/dev/null); do
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
i=0
for p in "${paths[@]}"; do
  abs=$(resolve "$p")
  if [ -f "$found/$i.tar" ]; then mkdir -p "$abs" && tar -C "$abs" -xf "$found/$i.tar"; fi
  i=$((i + 1))
done
echo "Cache restored from key: $matched"
[ "$matched" = "$IN_KEY" ] && hit=true || hit=false
echo "cache-hit=$hit" >> "$GITHUB_OUTPUT"
echo "cache-matched-key=$matched" >> "$GITHUB_OUTPUT"
