"""Ticket numbers from leases on the day's counter: one at a time at a human pace, in blocks at a machine's."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.services.numbers import MAX_BLOCK, TicketNumbers

DAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


class Counter:
    def __init__(self) -> None:
        self.values: dict[date, int] = {}
        self.reservations: list[int] = []

    def reserve_numbers(self, local_day: date, count: int, now: datetime) -> int:
        self.reservations.append(count)
        self.values[local_day] = self.values.get(local_day, 0) + count
        return self.values[local_day]


class Ticking:
    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_at_a_human_pace_every_number_follows_the_last_and_takes_one_write() -> None:
    counter = Counter()
    numbers = TicketNumbers(counter, Ticking(step=2.0))
    assert [numbers.next(DAY, NOW) for _ in range(5)] == [1, 2, 3, 4, 5]
    assert counter.reservations == [1, 1, 1, 1, 1]


def test_at_a_machine_pace_blocks_grow_and_numbers_stay_unique() -> None:
    counter, busy = Counter(), Counter()
    fast = TicketNumbers(busy, Ticking(step=0.001))
    taken = [fast.next(DAY, NOW) for _ in range(1_000)]
    assert taken == list(range(1, 1_001))  # one process: still in order, no gaps
    assert len(busy.reservations) < 60 and max(busy.reservations) == MAX_BLOCK
    # Two processes on one counter: interleaved blocks, never the same number twice.
    one, two = TicketNumbers(counter, Ticking(0.001)), TicketNumbers(counter, Ticking(0.001))
    both = [n for _ in range(300) for n in (one.next(DAY, NOW), two.next(DAY, NOW))]
    assert len(set(both)) == len(both) == 600


def test_a_new_day_starts_its_own_counter() -> None:
    counter = Counter()
    numbers = TicketNumbers(counter, Ticking(step=2.0))
    numbers.next(DAY, NOW)
    assert numbers.next(date(2026, 11, 24), NOW) == 1
