import * as z from 'zod/mini';
import { Cursor, Id, IsoDate, Limit, Name, Text, Timestamp, withMeta } from './common.ts';

export const TaskType = z.enum(['call', 'meeting', 'email', 'task']);
export const TaskStatus = z.enum(['open', 'done']);

/** A moment with an offset (`2026-11-23T10:00:00+01:00`), stored in UTC. */
const DueAt = withMeta(
  z.pipe(
    z.iso.datetime({ offset: true }),
    z.transform((v) => new Date(v).toISOString()),
  ),
  { example: '2026-11-25T09:00:00.000Z' },
);

const UserId = z.string().check(z.minLength(1), z.maxLength(128));

export const TaskInput = withMeta(
  z.strictObject({
    type: TaskType,
    title: Name,
    dueAt: DueAt,
    assigneeId: withMeta(z.optional(UserId), { description: 'default: the caller' }),
    note: z.optional(Text),
  }),
  { id: 'TaskInput' },
);

export const TaskPatch = withMeta(
  z
    .partial(
      z.strictObject({
        done: withMeta(z.boolean(), { description: 'true marks the task done, false reopens it' }),
        dueAt: DueAt,
        assigneeId: UserId,
        type: TaskType,
        title: Name,
        note: z.nullable(Text),
      }),
    )
    .check(z.refine((p) => Object.keys(p).length > 0, 'nothing to change')),
  { id: 'TaskPatch' },
);

export const Task = z.object({
  id: Id,
  dealId: Id,
  type: TaskType,
  title: Name,
  dueAt: Timestamp,
  assigneeId: z.string(),
  note: z.optional(z.string()),
  status: TaskStatus,
  doneAt: z.optional(Timestamp),
  followUp: withMeta(z.boolean(), { description: 'created automatically with its deal' }),
  createdBy: withMeta(z.string(), {
    description: "the creator's user id, `system` for automatic follow-ups",
  }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  version: z.number().check(z.int()),
});

/** A task as the API answers it. */
export const TaskView = withMeta(
  z.extend(Task, {
    overdue: withMeta(z.boolean(), { description: 'open and due before now' }),
  }),
  { id: 'Task' },
);

export const TaskListQuery = z.strictObject({
  assigneeId: withMeta(z.optional(UserId), {
    description: '`me` (default) or a user id; reps can only list their own tasks',
  }),
  status: withMeta(z.optional(TaskStatus), { description: 'default: open' }),
  dueBefore: withMeta(z.optional(z.union([z.iso.datetime({ offset: true }), IsoDate])), {
    description: 'only tasks due strictly before (a date means its midnight, UTC)',
  }),
  cursor: z.optional(Cursor),
  limit: z.optional(Limit),
});

export type TaskType = z.infer<typeof TaskType>;
export type TaskInput = z.output<typeof TaskInput>;
export type TaskPatch = z.output<typeof TaskPatch>;
export type Task = z.infer<typeof Task>;
export type TaskView = z.infer<typeof TaskView>;
export type TaskListQuery = z.infer<typeof TaskListQuery>;
