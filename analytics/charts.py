"""Trend charts drawn on the server as SVG geometry (no script, no inline style): the
template draws the bars and always offers the table of figures behind them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class TrendBar:
    label: str  # the month, short
    value: float | None
    shown: str  # the value as displayed
    x: float
    y: float
    width: float
    height: float
    centre: float
    value_y: float


@dataclass
class TrendChart:
    key: str
    title: str
    bars: list[TrendBar]
    width: int
    height: int
    baseline: float

    @property
    def empty(self) -> bool:
        return all(bar.value is None for bar in self.bars)


def trend_chart(
    key: str, title: str, points: list[tuple[str, float | None, str]], *, height: int = 150
) -> TrendChart:
    """Bars for ``points`` ((month label, value or None, displayed value)) scaled to the
    largest; a missing value draws no bar."""
    width = 480
    count = max(len(points), 1)
    slot = (width - 8) / count
    top, bottom = 18, 22
    plot = height - top - bottom
    values = [abs(v) for _label, v, _shown in points if v is not None]
    biggest = max(values, default=0) or 1
    bars = []
    for index, (label, value, shown) in enumerate(points):
        bar_height = plot * abs(value) / biggest if value is not None else 0.0
        bar_width = min(slot * 0.7, 30)
        x = 4 + index * slot + (slot - bar_width) / 2
        bars.append(
            TrendBar(
                label=label,
                value=value,
                shown=shown,
                x=round(x, 1),
                y=round(top + plot - bar_height, 1),
                width=round(bar_width, 1),
                height=round(bar_height, 1),
                centre=round(x + bar_width / 2, 1),
                value_y=round(top + plot - bar_height - 4, 1),
            )
        )
    return TrendChart(
        key=key, title=title, bars=bars, width=width, height=height, baseline=top + plot
    )
