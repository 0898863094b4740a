import { defineOperation } from '#http/operation';
import { json } from '#http/response';
import { IdParams, page } from '#schemas/common';
import { DealTaskListQuery, TaskInput, TaskListQuery, TaskPatch, TaskView } from '#schemas/tasks';
import {
  createTask as create,
  listTasks as list,
  listDealTasks as listOfDeal,
  updateTask as update,
} from '#services/tasks';

export const createTask = defineOperation(
  {
    summary: 'Add a follow-up task to a deal (lands in its timeline)',
    description:
      'Whoever may see the deal may add a task to it; the assignee (default: the caller) sees it in their task list.',
    tags: ['tasks'],
    params: IdParams,
    body: TaskInput,
    status: 201,
    response: TaskView,
    errors: [404],
  },
  async ({ params, body, user }) => json(201, await create(params.id, body, user)),
);

export const updateTask = defineOperation(
  {
    summary: 'Mark a task done (or reopen it), reschedule, reassign or rename it',
    description:
      "Open to whoever may see the task's deal and to the assignee. The change lands in the deal's timeline (`task.done` or `task.updated`).",
    tags: ['tasks'],
    params: IdParams,
    body: TaskPatch,
    response: TaskView,
    errors: [404, 409],
  },
  async ({ params, body, user }) => json(200, await update(params.id, body, user)),
);

export const listTasks = defineOperation(
  {
    summary: "A user's tasks (default: my open tasks), earliest due first, overdue ones flagged",
    description: "Reps list their own tasks; managers may list anyone's with `assigneeId`.",
    tags: ['tasks'],
    query: TaskListQuery,
    response: page(TaskView),
    errors: [403],
  },
  async ({ query, user }) => json(200, await list(query, user)),
);

export const listDealTasks = defineOperation(
  {
    summary: "A deal's tasks, open and done, earliest due first, overdue ones flagged",
    description:
      'Whoever may see the deal (owner, observers, managers) sees all its tasks, whoever they are assigned to.',
    tags: ['tasks'],
    params: IdParams,
    query: DealTaskListQuery,
    response: page(TaskView),
    errors: [404],
  },
  async ({ params, query, user }) => json(200, await listOfDeal(params.id, query, user)),
);
