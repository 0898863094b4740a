import { describe, expect, it } from 'vitest';
import { routes } from '#contracts/routes';
import type { Contract } from '#http/operation';
import { call } from '#test/api';
import { openApiDocument } from '../../functions/api/openapi.ts';
import { operations } from '../../functions/api/operations.ts';
import { documentContracts } from '../../functions/documents/contracts.ts';

const contracts: Record<string, Contract> = {
  ...Object.fromEntries(Object.entries(operations).map(([k, v]) => [k, v.contract])),
  ...documentContracts,
};

describe('GET /openapi.json', () => {
  it('describes every route of the route table with its request and response schemas', async () => {
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
      if (contracts[route.operation]?.body) {
        const ref = op.requestBody?.content?.['application/json']?.schema?.$ref;
        expect(ref, `${route.method} ${route.path} request body`).toBeDefined();
        expect(resolve(ref)).toBeDefined();
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
    const expected = openApiDocument();

    // Act: what the route serves, the file generated at build time.
    const served = (await call('GET', '/openapi.json')).body;

    // Assert: a contract changed without `npm run openapi` fails here.
    expect(served, 'functions/api/openapi.json is stale: run npm run openapi').toEqual(expected);
  });
});
