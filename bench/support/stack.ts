/**
 * The local stack the benchmarks measure, started in this process as `npm start` does: DynamoDB
 * Local (in memory, on a free port, never the user's .data), the SES emulator, and the HTTP server
 * that plays API Gateway for the real handlers. No stream poller and no expiry schedule: the
 * benches send quotes by link, so nothing waits on the outbox.
 *
 * One stack per process: the handlers' DynamoDB client reads DYNAMODB_ENDPOINT when its module
 * loads, so the environment is set before any handler (or store) module is imported, and a second
 * stack in the same process would still talk to the first table.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { routes } from '#contracts/routes';
import { STREAM_MAPPINGS, type StreamConsumer } from '#contracts/stream-mapping';
import { ensureTable, startDynamo } from '#infra/local/dynamodb';
import { applyLocalEnvironment } from '#infra/local/environment';
import { type LocalEvidence, startEvidence } from '#infra/local/evidence';
import { loadHandlers, loadStreamHandler } from '#infra/local/handlers';
import { signToken, type TokenSubject, verifyToken } from '#infra/local/jwt';
import { freePort } from '#infra/local/ports';
import { createLocalServer } from '#infra/local/server';
import { startSes } from '#infra/local/ses';
import { type StreamHandler, type StreamPoller, startStreamPoller } from '#infra/local/stream-poller';
import type { DynamoProbe } from './dynamo-probe.ts';

const TABLE_NAME = 'closer-bench';
const SENDER_EMAIL = 'quotes@closer.bench';

export interface BenchStack {
  /** Where the HTTP server listens, e.g. http://127.0.0.1:41234 (also PUBLIC_BASE_URL). */
  baseUrl: string;
  /** A bearer token the server accepts for this user. */
  token(subject: TokenSubject): Promise<string>;
  /** TCP connections the server has accepted so far: shows whether keep-alive reuses sockets. */
  connections(): number;
  /** Counts the handlers' DynamoDB calls and their time. */
  probe: DynamoProbe;
  /** Every handler call so far: its function, route (or stream) and duration. */
  invocations: Invocation[];
  /** With `streams`: resolves once notify and aggregate have nothing left to read. */
  drainStreams(): Promise<void>;
  stop(): Promise<void>;
}

/** One handler call, timed inside the process around the handler itself (no HTTP). */
export interface Invocation {
  fn: string;
  /** `GET /q/{token}` for HTTP functions, the function name for stream consumers. */
  kind: string;
  ms: number;
  /**
   * CPU time of this whole process during the call (user + system). Only the call's own when calls
   * do not overlap (cost measures one at a time); it includes the in-process emulators' share.
   */
  cpuMs: number;
}

export interface StackOptions {
  /** Also runs notify (emails) and aggregate on the table stream, as `npm start` does. */
  streams?: boolean;
  /** Also serves the built console under /app/ with the local sign-in. */
  console?: boolean;
}

let started = false;

/** The handlers' environment, as `npm start` sets it, with quieter logs. */
function configureEnvironment(
  dynamoEndpoint: string,
  sesEndpoint: string,
  baseUrl: string,
  evidence: LocalEvidence,
): void {
  applyLocalEnvironment({
    dynamoEndpoint,
    sesEndpoint,
    s3Endpoint: evidence.s3.endpoint,
    documentsBucket: evidence.bucket,
    sealDir: evidence.sealDir,
    tableName: TABLE_NAME,
    publicBaseUrl: baseUrl,
    senderEmail: SENDER_EMAIL,
    linkKey: randomBytes(32).toString('base64url'),
  });
  // Handlers log every warning of a 4xx; the bench measures the handlers, not the console.
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  // As under `npm start`: metrics go to CloudWatch in the cloud, not to the bench's output.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
}

/** `console`: also serve the built console under /app/ with the local sign-in, as `npm start` does. */
export async function startStack(options: StackOptions = {}): Promise<BenchStack> {
  if (started) throw new Error('one bench stack per process: the handlers bind to the first table');
  started = true;
  // Lambda runs Node 22; the SDK's notice about Node 20 support is noise in the bench output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const run of stops.reverse()) await run().catch(() => undefined);
  };
  try {
    const dynamo = await startDynamo({ port: await freePort() });
    stops.push(dynamo.stop);
    await ensureTable(dynamo.endpoint, TABLE_NAME);
    const ses = await startSes({ port: await freePort() });
    stops.push(ses.stop);
    const evidenceDir = mkdtempSync(join(tmpdir(), 'closer-bench-'));
    stops.push(async () => rmSync(evidenceDir, { recursive: true, force: true }));
    const evidence = await startEvidence({ port: await freePort(), dataDir: evidenceDir });
    stops.push(evidence.s3.stop);

    // The port is chosen before the server starts: PUBLIC_BASE_URL (the quote links) names it.
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    configureEnvironment(dynamo.endpoint, ses.endpoint, baseUrl, evidence);
    // Only now: the probe loads the handlers' DynamoDB client, which reads the endpoint on load.
    const { installDynamoProbe } = await import('./dynamo-probe.ts');
    const probe = await installDynamoProbe();

    // Each handler call is timed and its DynamoDB consumption counted under its function.
    const invocations: Invocation[] = [];
    const timed = async <T>(fn: string, kind: string, call: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const cpu = process.cpuUsage();
      try {
        return await probe.attribute(fn, call);
      } finally {
        const used = process.cpuUsage(cpu);
        invocations.push({
          fn,
          kind,
          ms: performance.now() - started,
          cpuMs: (used.user + used.system) / 1000,
        });
      }
    };
    const loaded = loadHandlers(routes.map((r) => r.fn));
    const handlers = Object.fromEntries(
      Object.entries(loaded).map(([fn, handler]) => [
        fn,
        ((event, context) => timed(fn, event.routeKey, () => handler(event, context))) as typeof handler,
      ]),
    );
    const pollers: StreamPoller[] = [];
    if (options.streams) {
      // The cloud's event source mappings, settings and filters (contracts/), as npm start reads them.
      const consumers: StreamConsumer[] = ['notify', 'aggregate'];
      for (const fn of consumers) {
        const handler = await loadStreamHandler(fn);
        if (!handler) throw new Error(`functions/${fn}/handler.ts is missing`);
        const poller = startStreamPoller({
          endpoint: dynamo.endpoint,
          tableName: TABLE_NAME,
          handler: ((event, context) => timed(fn, fn, () => handler(event, context))) as StreamHandler,
          functionName: fn,
          mapping: STREAM_MAPPINGS[fn],
          pollIntervalMs: 100,
        });
        pollers.push(poller);
        stops.push(poller.stop);
      }
    }

    const secret = randomBytes(32);
    const { consoleRoutes } = await import('#infra/local/console');
    const server = createLocalServer({
      ...(options.console ? { before: consoleRoutes({ secret }) } : {}),
      routes,
      handlers,
      verify: (token) => verifyToken(token, secret),
    });
    let connections = 0;
    server.server.on('connection', () => {
      connections++;
    });
    await server.listen(port, '127.0.0.1');
    stops.push(server.close);

    return {
      baseUrl,
      token: (subject) => signToken(subject, secret),
      connections: () => connections,
      probe,
      invocations,
      drainStreams: async () => {
        for (const poller of pollers) await poller.drain();
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
