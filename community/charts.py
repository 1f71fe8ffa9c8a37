"""Charts drawn on the server as SVG geometry (no script): templates draw the bars and
always show the table of figures behind them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    label_x: float
    value_y: float


@dataclass
class BarChart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    baseline: float
    total: int


def bar_chart(data: list[tuple[str, int]], *, title: str, height: int = 160) -> BarChart:
    """Vertical bars for ``data`` ((label, value) in order), scaled to the largest."""
    count = max(len(data), 1)
    width = 480
    slot = (width - 16) / count
    top, bottom = 18, 22
    plot = height - top - bottom
    biggest = max((v for _l, v in data), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(data):
        bar_height = plot * value / biggest
        bar_width = min(slot * 0.7, 56)
        x = 8 + index * slot + (slot - bar_width) / 2
        bars.append(
            Bar(
                label=label,
                value=value,
                x=x,
                y=top + plot - bar_height,
                width=bar_width,
                height=bar_height,
                label_x=x + bar_width / 2,
                value_y=top + plot - bar_height - 4,
            )
        )
    return BarChart(
        title=title,
        bars=bars,
        width=width,
        height=height,
        baseline=top + plot,
        total=sum(v for _l, v in data),
    )
