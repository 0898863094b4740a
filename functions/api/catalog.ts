import { defineOperation } from '#http/operation';
import { json } from '#http/response';
import { assertExists, createEntry, getEntry, listEntries, updateEntry } from '#services/catalog';

/** Built on the first request to one of these routes (see `Contracts`). */
const contracts = () => import('./contracts/catalog.ts').then((m) => m.catalogContracts);

export const listContacts = defineOperation(contracts, 'listContacts', async ({ query }) =>
  json(200, await listEntries('Contact', query.cursor, query.limit ?? 50)),
);

export const createContact = defineOperation(contracts, 'createContact', async ({ body }) => {
  await assertExists('Company', body.companyId, 'body.companyId');
  return json(201, await createEntry('Contact', body));
});

export const getContact = defineOperation(contracts, 'getContact', async ({ params }) =>
  json(200, await getEntry('Contact', params.id)),
);

export const updateContact = defineOperation(contracts, 'updateContact', async ({ params, body }) => {
  await getEntry('Contact', params.id);
  await assertExists('Company', body.companyId, 'body.companyId');
  return json(200, await updateEntry('Contact', params.id, body));
});

export const listCompanies = defineOperation(contracts, 'listCompanies', async ({ query }) =>
  json(200, await listEntries('Company', query.cursor, query.limit ?? 50)),
);

export const createCompany = defineOperation(contracts, 'createCompany', async ({ body }) =>
  json(201, await createEntry('Company', body)),
);

export const getCompany = defineOperation(contracts, 'getCompany', async ({ params }) =>
  json(200, await getEntry('Company', params.id)),
);

export const updateCompany = defineOperation(contracts, 'updateCompany', async ({ params, body }) =>
  json(200, await updateEntry('Company', params.id, body)),
);

export const listProducts = defineOperation(contracts, 'listProducts', async ({ query }) =>
  json(200, await listEntries('Product', query.cursor, query.limit ?? 50)),
);

export const createProduct = defineOperation(contracts, 'createProduct', async ({ body }) =>
  json(201, await createEntry('Product', body)),
);

export const getProduct = defineOperation(contracts, 'getProduct', async ({ params }) =>
  json(200, await getEntry('Product', params.id)),
);

export const updateProduct = defineOperation(contracts, 'updateProduct', async ({ params, body }) =>
  json(200, await updateEntry('Product', params.id, body)),
);
