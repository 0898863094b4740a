/**
 * Follow-up tasks (activities), pure: due dates in working days, the automatic follow-up of a new
 * deal, patches, who may see a task.
 */
import type { User } from '#contracts/actor';
import type { Deal } from '#schemas/deals';
import type { Pipeline } from '#schemas/pipelines';
import type { Task, TaskInput, TaskPatch, TaskView } from '#schemas/tasks';
import { type Clock, canAccess, type FieldChange } from './deals.ts';
import { DEFAULT_FOLLOW_UP_DAYS } from './pipelines.ts';

/** The creator of automatic follow-ups. */
export const SYSTEM = 'system';

const DAY_MS = 86_400_000;

/** Monday to Friday, in UTC. */
export function isWorkingDay(date: Date): boolean {
  const day = date.getUTCDay();
  return day !== 0 && day !== 6;
}

/**
 * The moment `days` working days after `from`, at the same time of day (UTC): Friday + 2 is Tuesday,
 * Saturday + 2 is Tuesday as well. Public holidays are not known, so they count as working days.
 */
export function addWorkingDays(from: string, days: number): string {
  const date = new Date(from);
  let added = 0;
  while (added < days) {
    date.setTime(date.getTime() + DAY_MS);
    if (isWorkingDay(date)) added++;
  }
  return date.toISOString();
}

export function followUpTitle(dealName: string): string {
  const title = `Follow up: ${dealName}`;
  return title.length > 200 ? `${title.slice(0, 199)}…` : title;
}

/** The task a new deal gets for its owner, or none when its pipeline says 0 days. */
export function followUpTask(
  deal: Deal,
  pipeline: Pick<Pipeline, 'followUpDays'>,
  clock: Clock,
): Task | undefined {
  const days = pipeline.followUpDays ?? DEFAULT_FOLLOW_UP_DAYS;
  if (days <= 0) return undefined;
  return {
    id: clock.newId(),
    dealId: deal.id,
    type: 'task',
    title: followUpTitle(deal.name),
    dueAt: addWorkingDays(clock.now, days),
    assigneeId: deal.ownerId,
    status: 'open',
    followUp: true,
    createdBy: SYSTEM,
    createdAt: clock.now,
    updatedAt: clock.now,
    version: 1,
  };
}

export function newTask(dealId: string, input: TaskInput, user: User, clock: Clock): Task {
  return {
    id: clock.newId(),
    dealId,
    type: input.type,
    title: input.title,
    dueAt: input.dueAt,
    assigneeId: input.assigneeId ?? user.id,
    ...(input.note ? { note: input.note } : {}),
    status: 'open',
    followUp: false,
    createdBy: user.id,
    createdAt: clock.now,
    updatedAt: clock.now,
    version: 1,
  };
}

const TASK_FIELDS = ['status', 'dueAt', 'assigneeId', 'type', 'title', 'note'] as const;

/** Applies a patch: only the named fields change. Returns the task and what changed. */
export function applyTaskPatch(
  task: Task,
  patch: TaskPatch,
  now: string,
): { task: Task; changes: FieldChange[] } {
  const next: Task = { ...task };
  if (patch.done === true && task.status !== 'done') {
    next.status = 'done';
    next.doneAt = now;
  } else if (patch.done === false && task.status !== 'open') {
    next.status = 'open';
    delete next.doneAt;
  }
  if (patch.dueAt !== undefined) next.dueAt = patch.dueAt;
  if (patch.assigneeId !== undefined) next.assigneeId = patch.assigneeId;
  if (patch.type !== undefined) next.type = patch.type;
  if (patch.title !== undefined) next.title = patch.title;
  if (patch.note === null) delete next.note;
  else if (patch.note !== undefined) next.note = patch.note;
  const changes = TASK_FIELDS.filter((f) => task[f] !== next[f]).map((field) => ({
    field,
    from: task[field] ?? null,
    to: next[field] ?? null,
  }));
  if (changes.length > 0) {
    next.updatedAt = now;
    next.version = task.version + 1;
  }
  return { task: next, changes };
}

/** Whoever may see the deal (owner, observers, managers) sees its tasks; the assignee sees theirs. */
export function canSeeTask(
  task: Pick<Task, 'assigneeId'>,
  deal: Pick<Deal, 'ownerId' | 'observerIds'> | undefined,
  user: User,
): boolean {
  return task.assigneeId === user.id || (deal !== undefined && canAccess(deal, user));
}

export function viewTask(task: Task, now: string): TaskView {
  return { ...task, overdue: task.status === 'open' && task.dueAt < now };
}
