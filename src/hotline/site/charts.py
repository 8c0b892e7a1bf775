"""Chart options for ECharts (图表): plain dicts, drawn in the browser by the ECharts file shipped with the site."""

from __future__ import annotations

from decimal import Decimal

PALETTE = ["#c62828", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037"]


def _num(v):
    if v is None:
        return None
    return float(v) if isinstance(v, Decimal) else v


def line(x: list[str], series: dict[str, list], y_name: str = "", percent: bool = False) -> dict:
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 48, "right": 24, "top": 40, "bottom": 32},
        "xAxis": {"type": "category", "data": x},
        "yAxis": {"type": "value", "name": y_name, **({"max": 100} if percent else {})},
        "series": [{"name": k, "type": "line", "data": [_num(v) for v in vs], "connectNulls": True} for k, vs in series.items()],
    }


def bar(x: list[str], series: dict[str, list], horizontal: bool = False, stack: bool = False, y_name: str = "") -> dict:
    cat = {"type": "category", "data": x, **({"inverse": True} if horizontal else {"axisLabel": {"interval": 0, "rotate": 40}})}
    val = {"type": "value", "name": y_name}
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": {"left": 110 if horizontal else 48, "right": 24, "top": 40, "bottom": 24 if horizontal else 90},
        "xAxis": val if horizontal else cat,
        "yAxis": cat if horizontal else val,
        "series": [{"name": k, "type": "bar", "data": [_num(v) for v in vs], **({"stack": "all"} if stack else {})} for k, vs in series.items()],
    }


def pie(items: dict[str, int], name: str = "") -> dict:
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "item", "formatter": "{b}：{c} 件（{d}%）"},
        "legend": {"top": 0},
        "series": [{"name": name, "type": "pie", "radius": ["35%", "65%"], "top": 30, "data": [{"name": k, "value": v} for k, v in items.items()]}],
    }
