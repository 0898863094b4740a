import { defineOperation } from '#http/operation';
import { json } from '#http/response';
import {
  Company,
  CompanyInput,
  CompanyPatch,
  Contact,
  ContactInput,
  ContactPatch,
  Product,
  ProductInput,
  ProductPatch,
} from '#schemas/catalog';
import { IdParams, ListQuery, page } from '#schemas/common';
import { assertExists, createEntry, getEntry, listEntries, updateEntry } from '#services/catalog';

export const listContacts = defineOperation(
  { summary: 'List contacts', tags: ['contacts'], query: ListQuery, response: page(Contact) },
  async ({ query }) => json(200, await listEntries('Contact', query.cursor, query.limit ?? 50)),
);

export const createContact = defineOperation(
  { summary: 'Create a contact', tags: ['contacts'], body: ContactInput, status: 201, response: Contact },
  async ({ body }) => {
    await assertExists('Company', body.companyId, 'body.companyId');
    return json(201, await createEntry('Contact', body));
  },
);

export const getContact = defineOperation(
  { summary: 'Get a contact', tags: ['contacts'], params: IdParams, response: Contact, errors: [404] },
  async ({ params }) => json(200, await getEntry('Contact', params.id)),
);

export const updateContact = defineOperation(
  {
    summary: 'Update a contact (null removes a field)',
    tags: ['contacts'],
    params: IdParams,
    body: ContactPatch,
    response: Contact,
    errors: [404],
  },
  async ({ params, body }) => {
    await getEntry('Contact', params.id);
    await assertExists('Company', body.companyId, 'body.companyId');
    return json(200, await updateEntry('Contact', params.id, body));
  },
);

export const listCompanies = defineOperation(
  { summary: 'List companies', tags: ['companies'], query: ListQuery, response: page(Company) },
  async ({ query }) => json(200, await listEntries('Company', query.cursor, query.limit ?? 50)),
);

export const createCompany = defineOperation(
  { summary: 'Create a company', tags: ['companies'], body: CompanyInput, status: 201, response: Company },
  async ({ body }) => json(201, await createEntry('Company', body)),
);

export const getCompany = defineOperation(
  { summary: 'Get a company', tags: ['companies'], params: IdParams, response: Company, errors: [404] },
  async ({ params }) => json(200, await getEntry('Company', params.id)),
);

export const updateCompany = defineOperation(
  {
    summary: 'Update a company (null removes a field)',
    tags: ['companies'],
    params: IdParams,
    body: CompanyPatch,
    response: Company,
    errors: [404],
  },
  async ({ params, body }) => json(200, await updateEntry('Company', params.id, body)),
);

export const listProducts = defineOperation(
  { summary: 'List products', tags: ['products'], query: ListQuery, response: page(Product) },
  async ({ query }) => json(200, await listEntries('Product', query.cursor, query.limit ?? 50)),
);

export const createProduct = defineOperation(
  {
    summary: 'Create a product (managers)',
    tags: ['products'],
    body: ProductInput,
    status: 201,
    response: Product,
    managersOnly: true,
    errors: [403],
  },
  async ({ body }) => json(201, await createEntry('Product', body)),
);

export const getProduct = defineOperation(
  { summary: 'Get a product', tags: ['products'], params: IdParams, response: Product, errors: [404] },
  async ({ params }) => json(200, await getEntry('Product', params.id)),
);

export const updateProduct = defineOperation(
  {
    summary: 'Update a product (managers)',
    tags: ['products'],
    params: IdParams,
    body: ProductPatch,
    response: Product,
    managersOnly: true,
    errors: [403, 404],
  },
  async ({ params, body }) => json(200, await updateEntry('Product', params.id, body)),
);
