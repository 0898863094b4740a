import { defineOperation } from '#http/operation';
import { json } from '#http/response';
import {
  createTask as create,
  listTasks as list,
  listDealTasks as listOfDeal,
  updateTask as update,
} from '#services/tasks';

/** Built on the first request to one of these routes (see `Contracts`). */
const contracts = () => import('./contracts/tasks.ts').then((m) => m.tasksContracts);

export const createTask = defineOperation(contracts, 'createTask', async ({ params, body, user }) =>
  json(201, await create(params.id, body, user)),
);

export const updateTask = defineOperation(contracts, 'updateTask', async ({ params, body, user }) =>
  json(200, await update(params.id, body, user)),
);

export const listTasks = defineOperation(contracts, 'listTasks', async ({ query, user }) =>
  json(200, await list(query, user)),
);

export const listDealTasks = defineOperation(contracts, 'listDealTasks', async ({ params, query, user }) =>
  json(200, await listOfDeal(params.id, query, user)),
);
