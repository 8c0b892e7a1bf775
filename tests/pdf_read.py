"""Render office files to PDF with LibreOffice (headless) and read the PDF back with poppler's pdftotext.

Test helpers: ``to_pdf`` runs ``soffice --convert-to pdf`` with its own user profile in a temporary
folder; ``read`` returns the pages with their size, words and text lines (with positions in points).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import pytest

NS = "{http://www.w3.org/1999/xhtml}"


def need_tools() -> None:
    missing = [t for t in ("soffice", "pdftotext") if shutil.which(t) is None]
    if missing:
        pytest.fail(
            "LibreOffice or poppler-utils is missing (scripts/setup.sh --test installs them): " + ", ".join(missing)
        )


def to_pdf(files: list[Path], workdir: Path) -> list[Path]:
    """Convert ``files`` to PDF in ``workdir`` with a profile of its own (no clash with a running LibreOffice)."""
    need_tools()
    profile = workdir / "lo-profile"
    cmd = [
        "soffice",
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(workdir),
        *map(str, files),
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    out = [workdir / (f.stem + ".pdf") for f in files]
    for p in out:
        assert p.is_file(), f"LibreOffice wrote no {p.name}"
    return out


@dataclass
class Box:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def ymid(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class Page:
    width: float
    height: float
    words: list[Box] = field(default_factory=list)
    lines: list[Box] = field(default_factory=list)  # pdftotext's text lines (within one block, i.e. one cell)

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def text(self) -> str:
        return "\n".join(ln.text for ln in self.lines)

    def rows(self, tolerance: float = 3.0) -> list[list[Box]]:
        """Words grouped into visual rows across the page (same baseline band), left to right."""
        rows: list[list[Box]] = []
        for w in sorted(self.words, key=lambda b: (b.ymid, b.x0)):
            if rows and abs(rows[-1][0].ymid - w.ymid) <= tolerance:
                rows[-1].append(w)
            else:
                rows.append([w])
        return [sorted(r, key=lambda b: b.x0) for r in rows]


def _box(el, text: str) -> Box:
    return Box(text, *(float(el.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))


def read(pdf: Path) -> list[Page]:
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True, timeout=120
    ).stdout
    xml = re.sub(rb"<!DOCTYPE[^>]*>", b"", out)
    root = ET.fromstring(xml)
    pages = []
    for pg in root.iter(f"{NS}page"):
        page = Page(float(pg.get("width")), float(pg.get("height")))
        for line in pg.iter(f"{NS}line"):
            words = [_box(w, unescape(w.text or "")) for w in line.iter(f"{NS}word")]
            page.words.extend(words)
            page.lines.append(_box(line, " ".join(w.text for w in words)))
        pages.append(page)
    return pages


def em_count(text: str) -> float:
    """Characters of a line counted as a typesetter does: a CJK character one, a digit or letter a half."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.5 for ch in text if not ch.isspace())
