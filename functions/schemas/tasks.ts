import * as z from 'zod';
import { Cursor, Id, IsoDate, Limit, Name, Text, Timestamp } from './common.ts';

export const TaskType = z.enum(['call', 'meeting', 'email', 'task']);
export const TaskStatus = z.enum(['open', 'done']);

/** A moment with an offset (`2026-11-23T10:00:00+01:00`), stored in UTC. */
const DueAt = z.iso
  .datetime({ offset: true })
  .transform((v) => new Date(v).toISOString())
  .meta({ example: '2026-11-25T09:00:00.000Z' });

const UserId = z.string().min(1).max(128);

export const TaskInput = z
  .strictObject({
    type: TaskType,
    title: Name,
    dueAt: DueAt,
    assigneeId: UserId.optional().meta({ description: 'default: the caller' }),
    note: Text.optional(),
  })
  .meta({ id: 'TaskInput' });

export const TaskPatch = z
  .strictObject({
    done: z.boolean().meta({ description: 'true marks the task done, false reopens it' }),
    dueAt: DueAt,
    assigneeId: UserId,
    type: TaskType,
    title: Name,
    note: Text.nullable(),
  })
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change')
  .meta({ id: 'TaskPatch' });

export const Task = z.object({
  id: Id,
  dealId: Id,
  type: TaskType,
  title: Name,
  dueAt: Timestamp,
  assigneeId: z.string(),
  note: z.string().optional(),
  status: TaskStatus,
  doneAt: Timestamp.optional(),
  followUp: z.boolean().meta({ description: 'created automatically with its deal' }),
  createdBy: z.string().meta({ description: "the creator's user id, `system` for automatic follow-ups" }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  version: z.number().int(),
});

/** A task as the API answers it. */
export const TaskView = Task.extend({
  overdue: z.boolean().meta({ description: 'open and due before now' }),
}).meta({ id: 'Task' });

export const TaskListQuery = z.strictObject({
  assigneeId: UserId.optional().meta({
    description: '`me` (default) or a user id; reps can only list their own tasks',
  }),
  status: TaskStatus.optional().meta({ description: 'default: open' }),
  dueBefore: z
    .union([z.iso.datetime({ offset: true }), IsoDate])
    .optional()
    .meta({ description: 'only tasks due strictly before (a date means its midnight, UTC)' }),
  cursor: Cursor.optional(),
  limit: Limit.optional(),
});

export type TaskType = z.infer<typeof TaskType>;
export type TaskInput = z.output<typeof TaskInput>;
export type TaskPatch = z.output<typeof TaskPatch>;
export type Task = z.infer<typeof Task>;
export type TaskView = z.infer<typeof TaskView>;
export type TaskListQuery = z.infer<typeof TaskListQuery>;
