import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DealEvent } from '#schemas/deals';
import type { Task } from '#schemas/tasks';
import { db, table } from './client.ts';
import { decodeCursor, pageOf } from './cursor.ts';
import { eventItem } from './deals.ts';
import { keyRange, put, type TransactItem, toResource, transact } from './items.ts';
import { INDEXES, keys } from './keys.ts';
import type { Page } from './records.ts';

/**
 * Tasks: one item each (read by id), listed per assignee and status through byOwner in due order,
 * and per deal through byAlias.
 */

export function taskItem(task: Task) {
  return {
    ...task,
    ...keys.task(task.id),
    ...keys.taskAssigneeIndex(task.assigneeId, task.status, task.dueAt, task.id),
    ...keys.taskDealIndex(task.dealId, task.dueAt, task.id),
    entity: 'Task',
  };
}

/** A new task (it must not exist) or a changed one (on the condition that it is still `before`). */
export function taskWriteItem(before: Task | undefined, after: Task): TransactItem {
  return put(
    taskItem(after),
    before
      ? { expression: '#v = :v', names: { '#v': 'version' }, values: { ':v': before.version } }
      : { expression: 'attribute_not_exists(PK)' },
  );
}

export async function getTask(id: string): Promise<Task | undefined> {
  const out = await db.send(new GetCommand({ TableName: table(), Key: keys.task(id), ConsistentRead: true }));
  return out.Item ? toResource<Task>(out.Item) : undefined;
}

export type TaskWriteResult = 'ok' | 'task_changed' | 'deal_missing';

/**
 * Writes a task with its timeline events in one transaction. A new task is written only while its
 * deal exists; a changed one only if nobody changed it since it was read.
 */
export async function saveTask(
  before: Task | undefined,
  after: Task,
  events: DealEvent[],
): Promise<TaskWriteResult> {
  const items: TransactItem[] = [taskWriteItem(before, after)];
  if (!before) {
    items.push({
      ConditionCheck: {
        TableName: table(),
        Key: keys.deal(after.dealId),
        ConditionExpression: 'attribute_exists(PK)',
      },
    });
  }
  for (const event of events) items.push(put(eventItem(event), { expression: 'attribute_not_exists(PK)' }));
  const result = await transact(items);
  if (result.ok) return 'ok';
  if (!before && result.failed.includes(1)) return 'deal_missing';
  if (result.failed.includes(0)) {
    if (!before) throw new Error(`duplicate task id ${after.id}`);
    return 'task_changed';
  }
  throw new Error(`an event of task ${after.id} already exists`);
}

/** One page of a user's tasks of one status, earliest due first, optionally due before a moment. */
export function queryTasks(
  assigneeId: string,
  status: Task['status'],
  dueBefore: string | undefined,
  cursor: string | undefined,
  limit: number,
): Promise<Page<Task>> {
  // Sort keys are `<dueAt>#<id>`: every one of a task due at `dueBefore` sorts after it.
  return queryTaskIndex('byOwner', keys.taskAssigneePartition(assigneeId, status), dueBefore, cursor, limit);
}

/** One page of a deal's tasks, open and done, earliest due first. */
export function queryDealTasks(
  dealId: string,
  cursor: string | undefined,
  limit: number,
): Promise<Page<Task>> {
  return queryTaskIndex('byAlias', keys.taskDealPartition(dealId), undefined, cursor, limit);
}

async function queryTaskIndex(
  indexName: 'byOwner' | 'byAlias',
  partition: string,
  hi: string | undefined,
  cursor: string | undefined,
  limit: number,
): Promise<Page<Task>> {
  const after = decodeCursor(cursor);
  const index = INDEXES[indexName];
  const lo = after !== undefined ? `${after}\u0001` : undefined;
  const range = keyRange(index, partition, lo, hi);
  if (!range) return { items: [] };
  const out = await db.send(
    new QueryCommand({
      TableName: table(),
      IndexName: indexName,
      ...range,
      // One more than asked: whether it comes back tells if there is a next page.
      Limit: limit + 1,
    }),
  );
  return pageOf(
    out.Items,
    limit,
    (i) => i[index.sort],
    (i) => toResource<Task>(i),
  );
}
