import type { Contract } from '#http/operation';
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

/** The contracts of the catalog routes of `api`: loaded on the first request to one of them. */
export const catalogContracts = {
  listContacts: { summary: 'List contacts', tags: ['contacts'], query: ListQuery, response: page(Contact) },
  createContact: {
    summary: 'Create a contact',
    tags: ['contacts'],
    body: ContactInput,
    status: 201,
    response: Contact,
  },
  getContact: {
    summary: 'Get a contact',
    tags: ['contacts'],
    params: IdParams,
    response: Contact,
    errors: [404],
  },
  updateContact: {
    summary: 'Update a contact (null removes a field)',
    tags: ['contacts'],
    params: IdParams,
    body: ContactPatch,
    response: Contact,
    errors: [404],
  },
  listCompanies: {
    summary: 'List companies',
    tags: ['companies'],
    query: ListQuery,
    response: page(Company),
  },
  createCompany: {
    summary: 'Create a company',
    tags: ['companies'],
    body: CompanyInput,
    status: 201,
    response: Company,
  },
  getCompany: {
    summary: 'Get a company',
    tags: ['companies'],
    params: IdParams,
    response: Company,
    errors: [404],
  },
  updateCompany: {
    summary: 'Update a company (null removes a field)',
    tags: ['companies'],
    params: IdParams,
    body: CompanyPatch,
    response: Company,
    errors: [404],
  },
  listProducts: { summary: 'List products', tags: ['products'], query: ListQuery, response: page(Product) },
  createProduct: {
    summary: 'Create a product (managers)',
    tags: ['products'],
    body: ProductInput,
    status: 201,
    response: Product,
    managersOnly: true,
    errors: [403],
  },
  getProduct: {
    summary: 'Get a product',
    tags: ['products'],
    params: IdParams,
    response: Product,
    errors: [404],
  },
  updateProduct: {
    summary: 'Update a product (managers)',
    tags: ['products'],
    params: IdParams,
    body: ProductPatch,
    response: Product,
    managersOnly: true,
    errors: [403, 404],
  },
} as const satisfies Record<string, Contract>;
