import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { STREAM_MAPPINGS } from '#contracts/stream-mapping';
import { ensureConsoleBuilt } from '#infra/console-assets';
import { ensureTable, startDynamo } from '#infra/local/dynamodb';
import { startEvidence } from '#infra/local/evidence';
import { freePort } from '#infra/local/ports';
import { startSes } from '#infra/local/ses';
import { startStreamPoller } from '#infra/local/stream-poller';
import { testEnv } from './env.ts';

/**
 * Starts the real local services once per test run, as `npm start` does: DynamoDB Local (in
 * memory) with the real key schema, the SES emulator, and the stream poller feeding `notify`.
 * Workers inherit the endpoints through the environment.
 */
export default async function setup(_project: TestProject) {
  Object.assign(process.env, testEnv);
  // Built once, before any worker: the stack tests upload it, npm start and the browser tests serve it.
  await ensureConsoleBuilt();
  const dynamo = await startDynamo({ port: await freePort() });
  await ensureTable(dynamo.endpoint, testEnv.TABLE_NAME);
  const ses = await startSes({ port: await freePort() });
  // The stored PDFs (S3 emulator) and the seal key live in a folder of this run, removed after.
  const evidenceDir = mkdtempSync(join(tmpdir(), 'closer-test-'));
  const evidence = await startEvidence({ port: await freePort(), dataDir: evidenceDir });
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.SES_ENDPOINT = ses.endpoint;
  process.env.S3_ENDPOINT = evidence.s3.endpoint;
  process.env.DOCUMENTS_BUCKET = evidence.bucket;
  process.env.SEAL_DIR = evidence.sealDir;
  // Imported only now: the handler's clients read the endpoints when they load.
  const { handler } = await import('../../functions/notify/handler.ts');
  const poller = startStreamPoller({
    endpoint: dynamo.endpoint,
    tableName: testEnv.TABLE_NAME,
    handler,
    functionName: 'notify',
    mapping: STREAM_MAPPINGS.notify,
    retryDelayMs: 100,
    log: (m: string, e?: unknown) => console.error('[poller]', m, e),
  });
  // aggregate: the report aggregates' consumer, fed from the same stream as in the cloud.
  const { handler: aggregate } = await import('../../functions/aggregate/handler.ts');
  const aggregatePoller = startStreamPoller({
    endpoint: dynamo.endpoint,
    tableName: testEnv.TABLE_NAME,
    handler: aggregate,
    functionName: 'aggregate',
    mapping: STREAM_MAPPINGS.aggregate,
    retryDelayMs: 100,
    pollIntervalMs: 100,
    log: (m: string, e?: unknown) => console.error('[aggregate poller]', m, e),
  });
  return async () => {
    await aggregatePoller.stop();
    await poller.stop();
    await ses.stop();
    await evidence.s3.stop();
    rmSync(evidenceDir, { recursive: true, force: true });
    await dynamo.stop();
  };
}
