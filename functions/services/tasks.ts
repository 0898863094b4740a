import type { User } from '#contracts/actor';
import { type Clock, canAccess } from '#domain/deals';
import { ConflictError, ForbiddenError, NotFoundError } from '#domain/errors';
import { newEvent, userActor } from '#domain/events';
import { applyTaskPatch, canSeeTask, followUpTask, newTask, viewTask } from '#domain/tasks';
import type { Deal, DealEvent, EventActor } from '#schemas/deals';
import type { Pipeline } from '#schemas/pipelines';
import type { Task, TaskInput, TaskListQuery, TaskPatch, TaskView } from '#schemas/tasks';
import { dealWriteItems, getDeal } from '#store/deals';
import { transact } from '#store/items';
import type { Page } from '#store/records';
import { getTask, queryTasks, saveTask, taskWriteItem } from '#store/tasks';
import { systemClock } from './clock.ts';
import { done, lostRace, retryOnConflict } from './retry.ts';

/** A task's timeline event: on its deal, naming the task. */
function taskEvent(
  task: Task,
  type: 'task.created' | 'task.updated' | 'task.done',
  data: Record<string, unknown>,
  actor: EventActor,
  clock: Clock,
): DealEvent {
  return newEvent(task.dealId, type, { taskId: task.id, title: task.title, ...data }, actor, clock);
}

function createdData(task: Task) {
  return { type: task.type, dueAt: task.dueAt, assigneeId: task.assigneeId, followUp: task.followUp };
}

/**
 * Writes a new deal, its events and its automatic follow-up task in one transaction: a deal never
 * exists without the follow-up its pipeline promises. Creating the deal is one action, so the
 * follow-up shows in the timeline inside the `deal.created` event (`data.followUp`) rather than as
 * an event of its own; later changes to the task are `task.updated` / `task.done` events.
 */
export async function saveNewDeal(
  deal: Deal,
  events: DealEvent[],
  pipeline: Pick<Pipeline, 'followUpDays'>,
  clock: Clock = systemClock(),
): Promise<void> {
  const task = followUpTask(deal, pipeline, clock);
  const recorded = task
    ? events.map((e) =>
        e.type === 'deal.created'
          ? {
              ...e,
              data: { ...e.data, followUp: { taskId: task.id, ...createdData(task), title: task.title } },
            }
          : e,
      )
    : events;
  const items = dealWriteItems(undefined, deal, recorded);
  if (task) items.push(taskWriteItem(undefined, task));
  const result = await transact(items);
  if (result.ok) return;
  if (result.failed.includes(0)) throw new Error(`duplicate deal id ${deal.id}`);
  throw new ConflictError('a contact or company of this deal no longer exists');
}

async function dealFor(id: string, user: User): Promise<Deal> {
  const deal = await getDeal(id);
  if (!deal || !canAccess(deal, user)) throw new NotFoundError(`no deal ${id}`);
  return deal;
}

export async function createTask(dealId: string, input: TaskInput, user: User): Promise<TaskView> {
  await dealFor(dealId, user);
  const clock = systemClock();
  const task = newTask(dealId, input, user, clock);
  const event = taskEvent(task, 'task.created', createdData(task), userActor(user), clock);
  if ((await saveTask(undefined, task, [event])) === 'deal_missing')
    throw new NotFoundError(`no deal ${dealId}`);
  return viewTask(task, clock.now);
}

/** Done, reopened, rescheduled, reassigned, renamed: one transaction with its timeline event. */
export function updateTask(id: string, patch: TaskPatch, user: User): Promise<TaskView> {
  return retryOnConflict(async () => {
    const task = await getTask(id);
    const deal = task ? await getDeal(task.dealId) : undefined;
    if (!task || !canSeeTask(task, deal, user)) throw new NotFoundError(`no task ${id}`);
    const clock = systemClock();
    const { task: next, changes } = applyTaskPatch(task, patch, clock.now);
    if (changes.length === 0) return done(viewTask(task, clock.now));
    const isDone = next.status === 'done' && task.status !== 'done';
    const event = taskEvent(next, isDone ? 'task.done' : 'task.updated', { changes }, userActor(user), clock);
    const result = await saveTask(task, next, [event]);
    if (result === 'ok') return done(viewTask(next, clock.now));
    if (result === 'deal_missing') throw new NotFoundError(`no task ${id}`);
    return lostRace(new ConflictError('the task keeps changing: try again'));
  });
}

/** A moment or a date (its midnight, UTC) as the ISO timestamp tasks sort by. */
function moment(value: string): string {
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : value).toISOString();
}

/** "My open tasks": one user's tasks of one status, earliest due first, overdue ones flagged. */
export async function listTasks(query: TaskListQuery, user: User): Promise<Page<TaskView>> {
  const assigneeId = query.assigneeId === undefined || query.assigneeId === 'me' ? user.id : query.assigneeId;
  if (assigneeId !== user.id && !user.manager) throw new ForbiddenError('reps can only list their own tasks');
  const now = systemClock().now;
  const page = await queryTasks(
    assigneeId,
    query.status ?? 'open',
    query.dueBefore ? moment(query.dueBefore) : undefined,
    query.cursor,
    query.limit ?? 50,
  );
  return {
    items: page.items.map((t) => viewTask(t, now)),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}
