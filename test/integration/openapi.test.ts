import { describe, expect, it } from 'vitest';
import { type FunctionName, routes, routesOf } from '#contracts/routes';
import { routeContract } from '#http/handler';
import type { Operation } from '#http/operation';
import { call } from '#test/api';
import { allContracts, openApiDocument } from '../../functions/api/openapi.ts';
import { operations } from '../../functions/api/operations.ts';
import { bulkOperations } from '../../functions/bulk/operations.ts';
import { documentOperations } from '../../functions/documents/operations.ts';
import { pageOperations } from '../../functions/pages/operations.ts';
import { verifyOperations } from '../../functions/verify/operations.ts';

describe('route contracts', () => {
  it("load on first use for every route of every function, and agree with the route table's auth", async () => {
    // Contracts are built on a route's first request, so the handler checks them then; this loads
    // them all, as no deploy would before traffic.
    const byFunction: Record<FunctionName, Record<string, Operation>> = {
      api: operations,
      documents: documentOperations,
      pages: pageOperations,
      bulk: bulkOperations,
      verify: verifyOperations,
    };
    for (const [fn, ops] of Object.entries(byFunction) as [FunctionName, Record<string, Operation>][]) {
      for (const route of routesOf(fn)) {
        const operation = ops[route.operation];
        expect(operation, `${fn} ${route.operation}`).toBeDefined();
        if (!operation) continue;
        const contract = await routeContract(route, operation);
        expect(contract.summary.length, route.operation).toBeGreaterThan(0);
      }
    }
  });
});

describe('GET /openapi.json', () => {
  it('describes every route of the route table with its request and response schemas', async () => {
    const contracts = await allContracts();
    const res = await call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    const schemas = doc.components.schemas as Record<string, unknown>;
    const resolve = (ref: string) => schemas[ref.replace('#/components/schemas/', '')];

    for (const route of routes) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(op.operationId).toBe(route.operation);
      const success = Object.entries(op.responses).find(([status]) => status.startsWith('2'));
      expect(success, `${route.method} ${route.path} success response`).toBeDefined();
      const content = (
        success?.[1] as { content?: Record<string, { schema: { $ref?: string } }> } | undefined
      )?.content;
      const json = content?.['application/json'];
      if (json?.schema.$ref) expect(resolve(json.schema.$ref), json.schema.$ref).toBeDefined();
      const contract = contracts[route.operation];
      if (contract?.body) {
        // A JSON or form body by its schema; a CSV one as text.
        const types = contract.bodyTypes ?? ['json'];
        const media = types.includes('json') ? 'application/json' : 'text/csv';
        const schema = op.requestBody?.content?.[media]?.schema;
        expect(schema, `${route.method} ${route.path} request body`).toBeDefined();
        if (media === 'application/json') expect(resolve(schema.$ref)).toBeDefined();
        else expect(schema).toEqual({ type: 'string' });
      }
      if (route.auth === 'public') expect(op.security).toEqual([]);
      else expect(op.responses['401']).toBeDefined();
      for (const name of route.path.match(/\{(\w+)\}/g) ?? []) {
        expect(op.parameters.map((p: { name: string }) => `{${p.name}}`)).toContain(name);
      }
    }
  });

  it('resolves every $ref in the document', async () => {
    const doc = (await call('GET', '/openapi.json')).body;
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    const missing = refs
      .map((r) => r.slice(8, -1).replace('#/components/schemas/', ''))
      .filter((name) => !(name in doc.components.schemas));
    expect(refs.length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });

  it('documents deal filters and the If-Match header', async () => {
    const doc = (await call('GET', '/openapi.json')).body;
    const names = doc.paths['/deals'].get.parameters.map((p: { name: string }) => p.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'ownerId',
        'pipelineId',
        'stageId',
        'status',
        'closeFrom',
        'closeTo',
        'minAmount',
        'maxAmount',
        'q',
        'cursor',
        'limit',
      ]),
    );
    expect(doc.paths['/deals/{id}'].patch.parameters.map((p: { name: string }) => p.name)).toContain(
      'if-match',
    );
    expect(doc.paths['/deals/{id}'].patch.responses['412']).toBeDefined();
  });

  it('serves the document the current contracts generate (npm run openapi writes it)', async () => {
    // Arrange: the document as the code's contracts and route table give it now.
    const expected = await openApiDocument();

    // Act: what the route serves, the file generated at build time.
    const served = (await call('GET', '/openapi.json')).body;

    // Assert: a contract changed without `npm run openapi` fails here.
    expect(served, 'functions/api/openapi.json is stale: run npm run openapi').toEqual(expected);
  });
});
