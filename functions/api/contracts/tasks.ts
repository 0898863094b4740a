import type { Contract } from '#http/operation';
import { IdParams, page } from '#schemas/common';
import { DealTaskListQuery, TaskInput, TaskListQuery, TaskPatch, TaskView } from '#schemas/tasks';

/** The contracts of the tasks routes of `api`: loaded on the first request to one of them. */
export const tasksContracts = {
  createTask: {
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
  updateTask: {
    summary: 'Mark a task done (or reopen it), reschedule, reassign or rename it',
    description:
      "Open to whoever may see the task's deal and to the assignee. The change lands in the deal's timeline (`task.done` or `task.updated`).",
    tags: ['tasks'],
    params: IdParams,
    body: TaskPatch,
    response: TaskView,
    errors: [404, 409],
  },
  listTasks: {
    summary: "A user's tasks (default: my open tasks), earliest due first, overdue ones flagged",
    description: "Reps list their own tasks; managers may list anyone's with `assigneeId`.",
    tags: ['tasks'],
    query: TaskListQuery,
    response: page(TaskView),
    errors: [403],
  },
  listDealTasks: {
    summary: "A deal's tasks, open and done, earliest due first, overdue ones flagged",
    description:
      'Whoever may see the deal (owner, observers, managers) sees all its tasks, whoever they are assigned to.',
    tags: ['tasks'],
    params: IdParams,
    query: DealTaskListQuery,
    response: page(TaskView),
    errors: [404],
  },
} as const satisfies Record<string, Contract>;
