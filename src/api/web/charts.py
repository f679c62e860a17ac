"""A figure over time as a step line, drawn on the server as SVG (ADR 0022): it needs no
script, prints, passes the Content-Security-Policy and reads the same without JavaScript.

A figure changes only when an event becomes known, so its history is a step line: flat
until the next event, then a step. Marks show what each published report held; a late
correction shows as a step after a report's mark. Coordinates are computed in Decimal and
rounded to whole pixels: money never passes through a float."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from markupsafe import Markup, escape

from api.web.formatting import AMSTERDAM, datum, euro

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 110, 20, 16, 36
LABEL_GAP = 14  # px between two y-axis labels


@dataclass(frozen=True)
class Mark:
    at: datetime
    amount: Decimal
    label: str


def _text(value: str) -> str:
    # str(), so that joining never re-escapes: Markup + str escapes the str.
    return str(escape(value))


def _labelled(
    fixed: set[Decimal], steps: list[Decimal], y: Callable[[Decimal], int]
) -> list[Decimal]:
    """The values the y-axis names: its ends and zero, and each step's value where its label
    does not overlap another (14 px apart)."""
    chosen = sorted(fixed)
    for value in sorted(set(steps) - fixed):
        if all(abs(y(value) - y(other)) >= LABEL_GAP for other in chosen):
            chosen.append(value)
    return sorted(chosen)


def _px(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def step_chart(
    title: str, steps: list[tuple[datetime, Decimal]], marks: list[Mark], end: datetime
) -> Markup:
    """The SVG of `steps` (moment, value after it) from the first step to `end`, with
    `marks`; a description for screen readers names every step."""
    moments = [at for at, _ in steps] + [mark.at for mark in marks] + [end]
    start = min(moments) - timedelta(days=30)
    stop = max(moments) + timedelta(days=30)
    values = [Decimal(0)] + [value for _, value in steps] + [mark.amount for mark in marks]
    low, high = min(values), max(values)
    if high == low:
        high = low + 1
    span = Decimal((stop - start).total_seconds())

    def x(at: datetime) -> int:
        share = Decimal((at - start).total_seconds()) / span
        return _px(LEFT + share * (WIDTH - LEFT - RIGHT))

    def y(value: Decimal) -> int:
        share = (value - low) / (high - low)
        return _px(TOP + (1 - share) * (HEIGHT - TOP - BOTTOM))

    description = "; ".join(f"{datum(at)}: {euro(value)}" for at, value in steps)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{_text(title)}</title>',
        f'<desc id="chart-desc">{_text(description)}</desc>',
    ]
    for value in _labelled({low, high, Decimal(0)}, [value for _, value in steps], y):
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value)}" '
            f'y2="{y(value)}"/><text class="axis" x="{LEFT - 6}" y="{y(value) + 4}" '
            f'text-anchor="end">{_text(euro(value))}</text>'
        )
    first_year = start.astimezone(AMSTERDAM).year
    # The year the chart starts in, at its left edge: its first of January lies before it.
    parts.append(
        f'<text class="axis" x="{LEFT + 4}" y="{HEIGHT - BOTTOM + 18}" '
        f'text-anchor="start">{first_year}</text>'
    )
    for year in range(first_year + 1, stop.astimezone(AMSTERDAM).year + 1):
        at = datetime(year, 1, 1, tzinfo=AMSTERDAM)
        parts.append(
            f'<line class="tick" x1="{x(at)}" x2="{x(at)}" y1="{TOP}" y2="{HEIGHT - BOTTOM}"/>'
            f'<text class="axis" x="{x(at)}" y="{HEIGHT - BOTTOM + 18}" '
            f'text-anchor="middle">{year}</text>'
        )
    if steps:
        first_at, first_value = steps[0]
        path = [f"M {x(first_at)} {y(Decimal(0))} V {y(first_value)}"]
        for at, value in steps[1:]:
            path.append(f"H {x(at)} V {y(value)}")
        path.append(f"H {x(end)}")
        parts.append(f'<path class="step" d="{" ".join(path)}"/>')
    for mark in marks:
        parts.append(
            f'<g class="mark"><circle cx="{x(mark.at)}" cy="{y(mark.amount)}" r="6"/>'
            f"<title>{_text(mark.label)}: {_text(euro(mark.amount))}</title></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text in it is escaped above)
