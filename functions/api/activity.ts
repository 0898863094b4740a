import { defineOperation } from '#http/operation';
import { json } from '#http/response';
import { listActivity as list, markActivityRead as markRead } from '#services/activity';

/** Built on the first request to one of these routes (see `Contracts`). */
const contracts = () => import('./contracts/activity.ts').then((m) => m.activityContracts);

export const listActivity = defineOperation(contracts, 'listActivity', async ({ query, user }) =>
  json(200, await list(user, query)),
);

export const markActivityRead = defineOperation(contracts, 'markActivityRead', async ({ body, user }) =>
  json(200, await markRead(user, body.at)),
);
