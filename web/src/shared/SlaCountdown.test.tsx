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

describe('SlaCountdown states (warned / breached / paused / met)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('warned is orange before the due time; breached is red even without a due time; a breached pause says so', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-22T10:00:00+08:00'));
    render(
      <>
        <SlaCountdown testId="w" dueAt="2026-11-22T10:20:00+08:00" doneAt={null} paused={false} warned />
        <SlaCountdown testId="b" dueAt={null} doneAt={null} paused={false} breached />
        <SlaCountdown testId="bo" dueAt="2026-11-22T09:50:00+08:00" doneAt={null} paused={false} breached warned />
        <SlaCountdown testId="pb" dueAt={null} doneAt={null} paused breached />
        <SlaCountdown testId="p" dueAt={null} doneAt={null} paused />
        <SlaCountdown testId="m" dueAt="2026-11-22T09:00:00+08:00" doneAt="2026-11-22T09:30:00+08:00" paused={false} met={false} />
        <SlaCountdown testId="ok" dueAt="2026-11-22T12:00:00+08:00" doneAt="2026-11-22T09:30:00+08:00" paused={false} met />
      </>,
    );
    const w = screen.getByTestId('w');
    expect(w.dataset.slaState).toBe('warned');
    expect(w.textContent).toBe('预警 剩余 20分0秒');
    expect(w.style.color).toBe('rgb(212, 107, 8)');
    const b = screen.getByTestId('b');
    expect(b.dataset.slaState).toBe('breached');
    expect(b.textContent).toBe('已超时');
    expect(b.style.color).toBe('rgb(207, 19, 34)');
    expect(screen.getByTestId('bo').dataset.slaState).toBe('breached');
    expect(screen.getByTestId('bo').textContent).toBe('已超时 10分0秒');
    const pb = screen.getByTestId('pb');
    expect(pb.dataset.slaState).toBe('paused');
    expect(pb.textContent).toBe('已暂停（等待客户回复） · 已超时');
    expect(pb.style.color).toBe('rgb(207, 19, 34)');
    // paused with no due time (the server drops it while paused) is still paused, not "none"
    expect(screen.getByTestId('p').dataset.slaState).toBe('paused');
    const m = screen.getByTestId('m');
    expect(m.dataset.slaState).toBe('done');
    expect(m.dataset.slaMet).toBe('false');
    expect(m.textContent).toContain('未达标');
    expect(screen.getByTestId('ok').dataset.slaMet).toBe('true');
    expect(screen.getByTestId('ok').style.color).toBe('rgb(56, 158, 13)');
  });
});
