import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SlaCountdown } from './SlaCountdown';

describe('SlaCountdown', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts down live and turns red once overdue', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-22T10:00:00+08:00'));
    render(<SlaCountdown testId="c" dueAt="2026-11-22T10:00:10+08:00" doneAt={null} paused={false} />);
    const el = screen.getByTestId('c');
    expect(el.textContent).toBe('剩余 0分10秒');
    expect(el.dataset.slaState).toBe('running');

    act(() => {
      vi.advanceTimersByTime(4000);
    });
    expect(screen.getByTestId('c').textContent).toBe('剩余 0分6秒');

    act(() => {
      vi.advanceTimersByTime(9000);
    });
    const late = screen.getByTestId('c');
    expect(late.dataset.slaState).toBe('overdue');
    expect(late.textContent).toBe('已超时 0分3秒');
    expect(late.style.color).toBe('rgb(207, 19, 34)');
  });

  it('does not tick while paused, and says when the clock was met', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-22T10:00:00+08:00'));
    render(
      <>
        <SlaCountdown testId="p" dueAt="2026-11-22T09:00:00+08:00" doneAt={null} paused />
        <SlaCountdown testId="d" dueAt="2026-11-22T12:00:00+08:00" doneAt="2026-11-22T09:30:00+08:00" paused={false} />
      </>,
    );
    expect(screen.getByTestId('p').dataset.slaState).toBe('paused');
    expect(screen.getByTestId('p').textContent).toContain('已暂停');
    act(() => {
      vi.advanceTimersByTime(5000);
    });
    expect(screen.getByTestId('p').textContent).toContain('已暂停');
    expect(screen.getByTestId('d').dataset.slaState).toBe('done');
    expect(screen.getByTestId('d').textContent).toContain('已完成于');
  });
});
