"""Ticket volume forecast and staffing: pure Python, so the API function stays light.

Volume per day is modelled as a linear trend times a weekly pattern (classical multiplicative decomposition, fitted by
least squares on up to 12 weeks of daily counts), with an approximate 95 % interval from the spread of the fitted
days' relative errors. With less history it falls back, and says so in `method`:
- 28 days or more: `weekly_trend` (trend x weekday factors);
- 14 to 27 days: `seasonal_naive` (each weekday as it was a week before; fallback: too little for a trend);
- 1 to 13 days: `mean` (the mean of the days there are; fallback: not two weeks of history);
- none: `none` (zeros).

Staffing: each hour's expected arrivals (the day's forecast times that hour's share of history) and the handling time
measured from history give the traffic in Erlangs; Erlang C gives the fewest agents for which at least
`service_level` of tickets get their first response within the target.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

Z95 = 1.96
MIN_TREND_DAYS = 28
MIN_SEASONAL_DAYS = 14
MAX_AGENTS = 500


@dataclass(frozen=True)
class DayForecast:
    day: date
    expected: float
    low: float
    high: float


def _weekday_factors(values: Sequence[float], days: Sequence[date], level: Sequence[float]) -> list[float]:
    ratios: list[list[float]] = [[] for _ in range(7)]
    for value, day, base in zip(values, days, level, strict=True):
        if base > 0:
            ratios[day.weekday()].append(value / base)
    factors = [statistics.fmean(r) if r else 1.0 for r in ratios]
    mean = statistics.fmean(factors) or 1.0
    return [f / mean for f in factors]


def _line(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """Least-squares intercept and slope."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0
    return my - slope * mx, slope


def weekly_trend(history: Sequence[tuple[date, float]], horizon: int) -> list[DayForecast]:
    """Trend x weekday factors, refined by alternating the two fits a few times."""
    days = [d for d, _ in history]
    values = [v for _, v in history]
    xs = [float(i) for i in range(len(values))]
    factors = [1.0] * 7
    for _ in range(4):
        deseasoned = [v / factors[d.weekday()] for v, d in zip(values, days, strict=True)]
        intercept, slope = _line(xs, deseasoned)
        level = [intercept + slope * x for x in xs]
        factors = _weekday_factors(values, days, level)
    fitted = [(intercept + slope * x) * factors[d.weekday()] for x, d in zip(xs, days, strict=True)]
    errors = [(v - f) / f for v, f in zip(values, fitted, strict=True) if f > 0]
    spread = statistics.pstdev(errors) if len(errors) > 1 else 0.0
    n = len(values)
    found = []
    for h in range(1, horizon + 1):
        day = days[-1] + timedelta(days=h)
        expected = max(0.0, (intercept + slope * (n - 1 + h)) * factors[day.weekday()])
        # Wider further out: the trend's own error grows with the distance from the fitted days.
        width = Z95 * spread * math.sqrt(1 + h / n) * expected
        found.append(DayForecast(day, expected, max(0.0, expected - width), expected + width))
    return found


def seasonal_naive(history: Sequence[tuple[date, float]], horizon: int) -> list[DayForecast]:
    """Each day as the same weekday was in the last week; the interval from the week-on-week changes."""
    values = [v for _, v in history]
    last = history[-1][0]
    changes = [values[i] - values[i - 7] for i in range(7, len(values))]
    spread = statistics.pstdev(changes) if len(changes) > 1 else 0.0
    found = []
    for h in range(1, horizon + 1):
        day = last + timedelta(days=h)
        expected = values[len(values) - 7 + (h - 1) % 7]
        width = Z95 * spread * math.sqrt(1 + (h - 1) // 7)
        found.append(DayForecast(day, expected, max(0.0, expected - width), expected + width))
    return found


def mean_forecast(history: Sequence[tuple[date, float]], horizon: int) -> list[DayForecast]:
    values = [v for _, v in history]
    mean = statistics.fmean(values)
    spread = statistics.pstdev(values) if len(values) > 1 else mean
    last = history[-1][0]
    return [
        DayForecast(last + timedelta(days=h), mean, max(0.0, mean - Z95 * spread), mean + Z95 * spread)
        for h in range(1, horizon + 1)
    ]


def forecast(history: Sequence[tuple[date, float]], horizon: int, last_day: date) -> tuple[str, list[DayForecast]]:
    """The method used and the next `horizon` days after `last_day`; `history` is daily counts, oldest first,
    ending at `last_day` (days without tickets are zeros)."""
    n = len(history)
    if n >= MIN_TREND_DAYS:
        return "weekly_trend", weekly_trend(history, horizon)
    if n >= MIN_SEASONAL_DAYS:
        return "seasonal_naive (fallback: less than 4 weeks of history)", seasonal_naive(history, horizon)
    if n >= 1:
        return "mean (fallback: less than 2 weeks of history)", mean_forecast(history, horizon)
    return "none (no history)", [
        DayForecast(last_day + timedelta(days=h), 0.0, 0.0, 0.0) for h in range(1, horizon + 1)
    ]


def mape(actual: Sequence[float], predicted: Sequence[float]) -> float:
    """Mean absolute percentage error over the days with tickets, in percent."""
    pairs = [(a, p) for a, p in zip(actual, predicted, strict=True) if a > 0]
    return 100 * statistics.fmean(abs(a - p) / a for a, p in pairs) if pairs else 0.0


# -- staffing ------------------------------------------------------------------------------------------------------
def erlang_c(agents: int, traffic: float) -> float:
    """The probability that an arriving ticket waits (Erlang C), for `traffic` Erlangs offered to `agents`."""
    if agents <= traffic:
        return 1.0
    # Erlang B by its stable recurrence, then C from B.
    b = 1.0
    for k in range(1, agents + 1):
        b = traffic * b / (k + traffic * b)
    return agents * b / (agents - traffic * (1 - b))


def service_level(agents: int, traffic: float, handle_minutes: float, target_minutes: float) -> float:
    """The share of tickets answered within the target."""
    if traffic <= 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    wait = erlang_c(agents, traffic)
    return 1 - wait * math.exp(-(agents - traffic) * target_minutes / handle_minutes)


def agents_needed(arrivals_per_hour: float, handle_minutes: float, target_minutes: float, level: float = 0.8) -> int:
    """The fewest agents that answer `level` of the hour's tickets within the target (0 when none arrive)."""
    if arrivals_per_hour <= 0:
        return 0
    traffic = arrivals_per_hour * handle_minutes / 60
    agents = max(1, math.floor(traffic) + 1)
    while agents < MAX_AGENTS and service_level(agents, traffic, handle_minutes, target_minutes) < level:
        agents += 1
    return agents


def hourly_shares(counts: Sequence[float]) -> list[float]:
    """Each hour's share of the day's tickets (uniform without history)."""
    total = sum(counts)
    if total <= 0:
        return [1 / 24] * 24
    return [c / total for c in counts]
