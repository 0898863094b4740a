import { describe, expect, it } from 'vitest';
import { DEFAULT_FOLLOW_UP_DAYS } from '#domain/pipelines';
import { addWorkingDays, applyTaskPatch, canSeeTask, followUpTask, viewTask } from '#domain/tasks';
import type { Deal } from '#schemas/deals';
import type { Task } from '#schemas/tasks';

const rep = (id: string, manager = false) => ({ id, email: `${id}@example.com`, name: id, manager });

describe('addWorkingDays', () => {
  it('skips Saturdays and Sundays and keeps the time of day', () => {
    expect(addWorkingDays('2026-11-23T09:30:00.000Z', 2)).toBe('2026-11-25T09:30:00.000Z'); // Mon → Wed
    expect(addWorkingDays('2026-11-27T16:00:00.000Z', 2)).toBe('2026-12-01T16:00:00.000Z'); // Fri → Tue
    expect(addWorkingDays('2026-11-28T08:00:00.000Z', 2)).toBe('2026-12-01T08:00:00.000Z'); // Sat → Tue
    expect(addWorkingDays('2026-11-29T08:00:00.000Z', 1)).toBe('2026-11-30T08:00:00.000Z'); // Sun → Mon
    expect(addWorkingDays('2026-11-26T08:00:00.000Z', 5)).toBe('2026-12-03T08:00:00.000Z'); // Thu → Thu
    expect(addWorkingDays('2026-12-31T23:00:00.000Z', 1)).toBe('2027-01-01T23:00:00.000Z'); // across a year
  });

  it('adds nothing for zero days', () => {
    expect(addWorkingDays('2026-11-28T08:00:00.000Z', 0)).toBe('2026-11-28T08:00:00.000Z');
  });
});

const deal = { id: '01JD3M8ZP6V0Q6W9C2R4K5T7XY', name: 'Acme', ownerId: 'ann', observerIds: ['obs'] } as Deal;
const clock = { now: '2026-11-27T16:00:00.000Z', newId: () => '01JD3M8ZP6V0Q6W9C2R4K5T7ZZ' };

describe('followUpTask', () => {
  it("is due after the pipeline's working days (2 by default) and assigned to the owner", () => {
    expect(DEFAULT_FOLLOW_UP_DAYS).toBe(2);
    expect(followUpTask(deal, {}, clock)).toMatchObject({
      dealId: deal.id,
      type: 'task',
      title: 'Follow up: Acme',
      dueAt: '2026-12-01T16:00:00.000Z',
      assigneeId: 'ann',
      status: 'open',
      followUp: true,
      createdBy: 'system',
    });
    expect(followUpTask(deal, { followUpDays: 5 }, clock)?.dueAt).toBe('2026-12-04T16:00:00.000Z');
  });

  it('is not created when the pipeline says 0 days', () => {
    expect(followUpTask(deal, { followUpDays: 0 }, clock)).toBeUndefined();
  });
});

const task: Task = {
  id: '01JD3M8ZP6V0Q6W9C2R4K5T7ZZ',
  dealId: deal.id,
  type: 'call',
  title: 'Call Jeanne',
  dueAt: '2026-11-30T09:00:00.000Z',
  assigneeId: 'ann',
  status: 'open',
  followUp: false,
  createdBy: 'ann',
  createdAt: '2026-11-23T09:00:00.000Z',
  updatedAt: '2026-11-23T09:00:00.000Z',
  version: 1,
};

describe('applyTaskPatch', () => {
  it('marks done with the time, reopens, and lists each change', () => {
    const done = applyTaskPatch(task, { done: true }, '2026-11-28T10:00:00.000Z');
    expect(done.task).toMatchObject({ status: 'done', doneAt: '2026-11-28T10:00:00.000Z', version: 2 });
    expect(done.changes).toEqual([{ field: 'status', from: 'open', to: 'done' }]);
    const reopened = applyTaskPatch(done.task, { done: false }, '2026-11-29T10:00:00.000Z');
    expect(reopened.task.status).toBe('open');
    expect(reopened.task.doneAt).toBeUndefined();
  });

  it('reschedules and reassigns, and changes nothing for a patch that repeats the task', () => {
    const moved = applyTaskPatch(
      task,
      { dueAt: '2026-12-02T09:00:00.000Z', assigneeId: 'bob', note: 'x' },
      'now',
    );
    expect(moved.changes.map((c) => c.field)).toEqual(['dueAt', 'assigneeId', 'note']);
    const same = applyTaskPatch(task, { title: 'Call Jeanne', done: false }, 'now');
    expect(same.changes).toEqual([]);
    expect(same.task.version).toBe(1);
  });
});

describe('canSeeTask / viewTask', () => {
  it("opens a task to the deal's owner, observers and managers, and to its assignee", () => {
    expect(canSeeTask(task, deal, rep('ann'))).toBe(true);
    expect(canSeeTask(task, deal, rep('obs'))).toBe(true);
    expect(canSeeTask(task, deal, rep('boss', true))).toBe(true);
    expect(canSeeTask({ assigneeId: 'eve' }, deal, rep('eve'))).toBe(true);
    expect(canSeeTask(task, deal, rep('eve'))).toBe(false);
    expect(canSeeTask(task, undefined, rep('eve'))).toBe(false);
  });

  it('flags open tasks due before now as overdue', () => {
    expect(viewTask(task, '2026-11-30T09:00:00.001Z').overdue).toBe(true);
    expect(viewTask(task, '2026-11-30T09:00:00.000Z').overdue).toBe(false);
    expect(viewTask({ ...task, status: 'done' }, '2027-01-01T00:00:00.000Z').overdue).toBe(false);
  });
});
