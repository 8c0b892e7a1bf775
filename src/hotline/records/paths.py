"""Where records live in a records repository (记录的位置): the one place that knows the layout.

- work orders: ``orders/YYYY/MM/<id>.yaml`` (``.yml`` read too), ``YYYY/MM`` the month of receipt;
- units: ``units/<id>.yaml``; rules ``scoring/rules.yaml``; holiday years ``scoring/holidays/YYYY.yaml``;
  assessment events ``scoring/events/**.yaml``.
An order id is letters, digits and ``-`` (``ORDER_ID``): checked before it becomes part of a path.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date, datetime
from operator import attrgetter
from pathlib import Path

from hotline.util import nofollow

ORDERS = "orders"
UNITS = "units"
RULES = "scoring/rules.yaml"
HOLIDAYS = "scoring/holidays"
SCORING_EVENTS = "scoring/events"
YAML_SUFFIXES = (".yaml", ".yml")
ORDER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
# the site's order page (one page for every order, opened with ``?id=<id>``); with ``use_directory_urls``
# (mkdocs.yml, checked by the site builder) its address is ``orders/``
SITE_ORDERS_PAGE = "orders/index.md"


def site_order_url(site_url: str, order_id: str) -> str:
    """The address of an order on the published site (``site_url`` in rules.yaml): the group reminders link it."""
    return f"{site_url.rstrip('/')}/{SITE_ORDERS_PAGE.removesuffix('index.md')}?id={order_id}"


def is_records_root(root: Path | str) -> bool:
    """Whether ``root`` is a records folder: it has ``scoring/rules.yaml``, ``units/`` or ``orders/``."""
    r = Path(root)
    return (r / RULES).is_file() or (r / UNITS).is_dir() or (r / ORDERS).is_dir()


def is_order_id(text: str) -> bool:
    return bool(ORDER_ID.fullmatch(text))


def month_folder(received: date | datetime) -> str:
    """``orders/YYYY/MM``: the folder of the orders received in that month."""
    return f"{ORDERS}/{received:%Y}/{received:%m}"


def month_folder_of(month: str) -> str:
    """``orders/YYYY/MM`` for ``YYYY-MM``."""
    return f"{ORDERS}/{month[:4]}/{month[5:7]}"


def order_path(order_id: str, received: date | datetime) -> str:
    """The path, relative to the root, of the order ``order_id`` received at ``received``."""
    return f"{month_folder(received)}/{order_id}.yaml"


def is_order_path(rel: str) -> bool:
    return rel.startswith(ORDERS + "/") and rel.endswith(YAML_SUFFIXES)


def find_order(root: Path | str, order_id: str) -> str | None:
    """The path (relative to ``root``) of the order file named ``order_id``, or None; ``.yaml`` first.

    ``order_id`` must be an order id (no glob or path characters): anything else finds nothing.
    """
    if not is_order_id(order_id):
        return None
    base = Path(root) / ORDERS
    for suffix in YAML_SUFFIXES:
        hits = sorted(base.glob(f"*/*/{order_id}{suffix}"))
        if hits:
            return hits[0].relative_to(root).as_posix()
    return None


_name = attrgetter("name")


def order_files(root: Path | str) -> list[tuple[str, str]]:
    """(path on disk, path relative to the root) of every order file, sorted; plain strings, because
    a warm check of 100,000 files spends most of its time here. Symbolic links are not followed."""
    out: list[tuple[str, str]] = []
    base = os.path.join(str(root), "")

    cut = len(base)

    def walk(folder: str) -> None:
        try:
            entries = sorted(os.scandir(folder), key=_name)
        except OSError:
            return
        for e in entries:
            name = e.name
            if name.startswith("."):
                continue
            if e.is_file(follow_symlinks=False):  # a symbolic link is neither file nor folder here: never followed
                if name.endswith(YAML_SUFFIXES):
                    out.append((e.path, e.path[cut:].replace(os.sep, "/")))
            elif e.is_dir(follow_symlinks=False):
                walk(e.path)

    walk(os.path.join(base, ORDERS))
    return out


def yaml_files(folder: Path) -> Iterator[Path]:
    """The YAML files under ``folder``, sorted, hidden folders and symbolic links skipped."""
    yield from nofollow.files(folder, YAML_SUFFIXES)
