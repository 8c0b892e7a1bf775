"""Chart options for ECharts (图表): plain dicts, drawn in the browser by the ECharts file shipped with the site.

Readable at any width: legends are one scrolling line above the plot (never over it); a chart with a
category for each unit lays the units out as horizontal bars, every one labelled, and grows with their
number (``height``).
"""

from __future__ import annotations

from decimal import Decimal

ROW_PX = 22  # height of one category of a horizontal bar chart (per series side by side: SERIES_PX more)
SERIES_PX = 8
FRAME_PX = 80  # legend and axis
LEGEND = {"type": "scroll", "top": 0, "left": "center", "width": "90%"}

PALETTE = ["#c62828", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037"]


def _num(v: object) -> object:
    if v is None:
        return None
    return float(v) if isinstance(v, Decimal) else v


def line(x: list[str], series: dict[str, list], y_name: str = "", percent: bool = False) -> dict:
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "axis"},
        "legend": LEGEND,
        "grid": {"left": 8, "right": 24, "top": 64, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": x},
        "yAxis": {"type": "value", "name": y_name, **({"max": 100} if percent else {})},
        "series": [
            {"name": k, "type": "line", "data": [_num(v) for v in vs], "connectNulls": True} for k, vs in series.items()
        ],
    }


PROVISIONAL = "（暂定）"


def rates(x: list[str], series: dict[str, list], provisional: set[str] | frozenset[str] = frozenset()) -> dict:
    """Rates (percent) period by period. A rate is a point only where some dispatch is settled for it (None:
    no point, and no line drawn across the gap). A period not final (``provisional``: dispatches whose outcome
    is not known yet) is labelled 暂定 and drawn apart: a hollow point on a dashed line, the line into it dashed
    too; final periods are solid points on a solid line. The two parts of a rate share its name and colour (one
    legend entry)."""
    option = line([f"{m}{PROVISIONAL}" if m in provisional else m for m in x], {}, "%", percent=True)
    for i, (name, values) in enumerate(series.items()):
        color = PALETTE[i % len(PALETTE)]
        vals = [_num(v) for v in values]
        style = {"itemStyle": {"color": color}, "connectNulls": False, "name": name, "type": "line"}
        final = [None if m in provisional else v for m, v in zip(x, vals)]
        option["series"].append({**style, "data": final, "symbol": "circle", "lineStyle": {"color": color}})
        tentative: list = [None] * len(x)
        for j, m in enumerate(x):
            if m in provisional:
                tentative[j] = vals[j]
                if j and x[j - 1] not in provisional and vals[j - 1] is not None:  # the dashed line starts there
                    tentative[j - 1] = {"value": vals[j - 1], "symbol": "none"}
        if any(v is not None for v in tentative):
            option["series"].append(
                {
                    **style,
                    "data": tentative,
                    "symbol": "emptyCircle",
                    "symbolSize": 9,
                    "lineStyle": {"color": color, "type": "dashed"},
                }
            )
    return option


def bar(x: list[str], series: dict[str, list], horizontal: bool = False, stack: bool = False, y_name: str = "") -> dict:
    cat = {
        "type": "category",
        "data": x,
        "axisLabel": {"interval": 0, **({} if horizontal else {"rotate": 40})},
        **({"inverse": True} if horizontal else {}),
    }
    val = {"type": "value", "name": y_name}
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": LEGEND,
        "grid": {
            "left": 8,
            "right": 40 if horizontal else 24,
            "top": 40 if horizontal else 64,
            "bottom": 8,
            "containLabel": True,
        },
        "xAxis": val if horizontal else cat,
        "yAxis": cat if horizontal else val,
        "series": [
            {"name": k, "type": "bar", "data": [_num(v) for v in vs], **({"stack": "all"} if stack else {})}
            for k, vs in series.items()
        ],
    }


def pie(items: dict[str, int], name: str = "") -> dict:
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "item", "formatter": "{b}：{c} 件（{d}%）"},
        "legend": LEGEND,
        "series": [
            {
                "name": name,
                "type": "pie",
                "radius": ["35%", "65%"],
                "top": 30,
                "data": [{"name": k, "value": v} for k, v in items.items()],
            }
        ],
    }


def height(option: dict) -> int | None:
    """Pixels a horizontal bar chart needs to label every category; None for the page's default height."""
    cat = option.get("yAxis") or {}
    if cat.get("type") != "category":
        return None
    series = option.get("series", [])
    stacked = all(s.get("stack") for s in series)
    per = ROW_PX + (0 if stacked else SERIES_PX * max(len(series) - 1, 0))
    return FRAME_PX + per * len(cat.get("data", []))
