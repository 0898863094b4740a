import { describe, expect, it } from 'vitest';
import { dealQuery, readFilters, writeFilters } from '../../../console/src/features/deals/filters.ts';
import { clampRange, closedRange, periodLabel } from '../../../console/src/features/reports/range.ts';
import { taskGroup } from '../../../console/src/lib/tasks.ts';

const now = new Date('2026-12-01T10:00:00Z');

describe('the dashboard period picker', () => {
  it('keeps a range inside 24 months back and 12 ahead', () => {
    expect(clampRange({ from: '2020-01', to: '2030-01', period: 'month' }, 'from', now)).toEqual({
      from: '2024-12',
      to: '2027-11',
    });
  });

  it('gives way on the side the user did not change, to stay within 36 months once widened to quarters', () => {
    // Dec 2024 to Dec 2027 is 37 months; in quarters, Oct 2024 to Dec 2027 is 39.
    expect(clampRange({ from: '2024-12', to: '2027-12', period: 'month' }, 'to', now)).toEqual({
      from: '2025-01',
      to: '2027-12',
    });
    expect(clampRange({ from: '2024-12', to: '2027-12', period: 'quarter' }, 'from', now)).toEqual({
      from: '2024-12',
      to: '2027-09',
    });
  });

  it('moves the other end when the range would end before it starts', () => {
    expect(clampRange({ from: '2026-06', to: '2026-03', period: 'month' }, 'from', now)).toEqual({
      from: '2026-06',
      to: '2026-06',
    });
    expect(clampRange({ from: '2026-06', to: '2026-03', period: 'month' }, 'to', now)).toEqual({
      from: '2026-03',
      to: '2026-03',
    });
  });

  it('stops won and lost at this month, since deals cannot close in the future', () => {
    expect(closedRange({ from: '2026-10', to: '2027-03' }, now)).toEqual({ from: '2026-10', to: '2026-12' });
    expect(closedRange({ from: '2027-02', to: '2027-03' }, now)).toEqual({ from: '2026-12', to: '2026-12' });
  });

  it('names months and quarters in both languages', () => {
    expect(periodLabel('2026-05', 'en')).toBe('May 2026');
    expect(periodLabel('2026-Q2', 'en')).toBe('Q2 2026');
    expect(periodLabel('2026-Q2', 'fr')).toBe('T2 2026');
  });
});

describe('the board filtered on one stage', () => {
  it('reads and writes `stage`, and asks the API for it only within a pipeline', () => {
    const params = writeFilters({ pipelineId: 'P1', stage: 'S2' });
    expect(params.toString()).toBe('pipeline=P1&stage=S2');
    expect(readFilters(params)).toEqual({ pipelineId: 'P1', stage: 'S2' });
    const rep = { id: 'alice', manager: false };
    expect(dealQuery({ pipelineId: 'P1', stage: 'S2' }, rep)).toMatchObject({ stageId: 'S2' });
    expect(dealQuery({ stage: 'S2' }, rep)).not.toHaveProperty('stageId');
  });
});

describe('My tasks groups', () => {
  it('puts a task due before now in overdue, later today in today, after today in upcoming', () => {
    const local = new Date(2026, 11, 1, 10, 0);
    const at = (h: number, dayOffset = 0) => new Date(2026, 11, 1 + dayOffset, h, 30).toISOString();
    expect(taskGroup({ dueAt: at(9), status: 'open' }, local)).toBe('overdue');
    expect(taskGroup({ dueAt: at(9, -3), status: 'open' }, local)).toBe('overdue');
    expect(taskGroup({ dueAt: at(23), status: 'open' }, local)).toBe('today');
    expect(taskGroup({ dueAt: at(0, 1), status: 'open' }, local)).toBe('upcoming');
  });
});
