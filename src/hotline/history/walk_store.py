"""Writing a walk into the store (历史读取结果的保存): the run's commits, oldest first, and the files it touched.

``Walk.run`` numbers its commits newest first and keeps what it touched in its own maps; ``store_walk`` appends
the commits to the store's arrays (with their parents), gives every item and removal its final commit number and
writes each touched file's items back, then lets the store compact itself.
"""

from __future__ import annotations

from array import array
from binascii import unhexlify

from hotline.history.store import UNKNOWN, Removal
from hotline.history.walk import Walk


def store_walk(walk: Walk) -> None:
    """Append ``walk``'s commits (oldest first) and write the touched files back into the store's arrays."""
    s = walk.s
    n_old, n_run = len(s.times), len(walk.run_times)

    def final(c: int) -> int:
        return UNKNOWN if c < 0 else n_old + n_run - 1 - c

    shas, raw_parents = walk.run_shas, walk.run_parents
    head_before = unhexlify(s.head) if s.head else b""
    index = old_index = None
    parents = []
    for c, p in enumerate(raw_parents):  # newest first, as walked
        if not p:
            parents.append(-1)
        elif c + 1 < n_run and shas[c + 1] == p:  # the usual case: the next commit of the walk
            parents.append(final(c + 1))
        elif p == head_before:
            parents.append(n_old - 1)
        else:
            if index is None:
                index = {sha: final(j) for j, sha in enumerate(shas)}
            parent = index.get(p, -1)
            if parent < 0 and n_old:
                if old_index is None:
                    old_index = {bytes(s.shas[20 * j : 20 * j + 20]): j for j in range(n_old)}
                parent = old_index.get(p, -1)
            parents.append(parent)
    s.shas += b"".join(reversed(shas))
    s.times.extend(reversed(walk.run_times))
    s.who.extend(reversed(walk.run_who))
    s.parents.extend(reversed(parents))
    people = sorted(walk.people.items(), key=lambda kv: kv[1])
    s.people = [p for p, _ in people]
    top = n_old + n_run - 1
    s.item_commit[walk.item_base :] = array(
        "i", [top - c if c >= 0 else UNKNOWN for c in s.item_commit[walk.item_base :]]
    )
    for r in walk.removals:
        fs = walk.files[r.path]
        item = fs.known.get(r.old_origin)  # old_origin holds the removed key until now
        origin = s.item_commit[walk.find(item)] if item is not None else UNKNOWN
        s.removals.append(Removal(final(r.commit), r.path, r.index, r.old_text, origin, r.new_text, r.new_line))
    for path, fs in walk.files.items():
        i = walk.path_index.get(path)
        if i is None:
            if fs.deleted:
                continue
            i = walk.path_index[path] = len(s.paths)
            s.paths.append(path)
            s.f_blob += bytes(20)
            s.f_size.append(0)
            s.f_lines.append(0)
            s.f_indent.append(-1)
            s.f_items.extend((0, -1))
            s.f_known.extend((0, 0))
        if fs.deleted:
            s.f_items[2 * i + 1] = -1
            continue
        if fs.items is not None:
            s.f_blob[20 * i : 20 * i + 20] = unhexlify(fs.blob)
            s.f_size[i], s.f_lines[i], s.f_indent[i] = fs.size, fs.lines, max(-1, min(fs.indent, 127))
            s.f_items[2 * i], s.f_items[2 * i + 1] = len(s.fi_item), len(fs.items)
            for k, line in fs.items:
                item = fs.known.get(k)
                if item is not None:
                    item = walk.find(item)
                if item is None:  # (cannot happen in a consistent history) origin unknown
                    item = fs.known[k] = len(s.item_key)
                    s.item_key.append(k)
                    s.item_commit.append(UNKNOWN)
                    s.item_at.append(None)
                    s.item_type.append(0)
                    s.item_unit.append(0)
                s.fi_item.append(item)
                s.fi_line.append(line)
        s.f_known[2 * i], s.f_known[2 * i + 1] = len(s.fk_key), len(fs.known)
        s.fk_key.extend(k for k in fs.known)
        s.fk_item.extend(walk.find(v) for v in fs.known.values())
    s.compact()
