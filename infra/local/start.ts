/**
 * `npm start`: the whole service on this machine with real protocol peers and no AWS account.
 * DynamoDB Local (persisted under DATA_DIR), the SES emulator, an HTTP server that plays API
 * Gateway for the same handlers the cloud runs, and the table's stream feeding `notify` and
 * `aggregate`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { routes } from '#contracts/routes';
import { STREAM_MAPPINGS } from '#contracts/stream-mapping';
import type { Bundles } from './bundles.ts';
import { persistentSecret, resolveDataDir } from './config.ts';
import { consoleRoutes, ensureConsoleBuilt } from './console.ts';
import { deadLetterDir, fileDeadLetters } from './dead-letters.ts';
import { assertJava, ensureTable, startDynamo } from './dynamodb.ts';
import { applyLocalEnvironment } from './environment.ts';
import { type LocalEvidence, startEvidence } from './evidence.ts';
import {
  type HandlerSource,
  loadHandlers,
  loadScheduledHandler,
  loadStreamHandler,
  useBundles,
} from './handlers.ts';
import { localSecret, signToken, verifyToken } from './jwt.ts';
import { isPortFree } from './ports.ts';
import { SeedError, seedDemo } from './seed.ts';
import { createLocalServer } from './server.ts';
import { startSes } from './ses.ts';
import { startStreamPoller } from './stream-poller.ts';
import { demoUsers, userFor } from './users.ts';

const TABLE_NAME = 'closer';
const SENDER_EMAIL = 'quotes@closer.local';
/** Printed last: tests and scripts wait for it to know the stack is ready. */
const READY_LINE = 'Press Ctrl-C to stop.';

interface Settings {
  port: number;
  host: string;
  dataDir: string;
  dynamoPort: number;
  sesPort: number;
  s3Port: number;
  publicBaseUrl: string;
  seed: boolean;
  /** Run the bundles `cdk deploy` uploads instead of the TypeScript sources. */
  bundled: boolean;
}

class UsageError extends Error {}

const USAGE = `usage: npm start [-- --port <n>] [--data-dir <dir>] [--dynamodb-port <n>] [--ses-port <n>] [--s3-port <n>] [--no-seed] [--bundled]
  --bundled: run the functions from the bundles \`cdk synth\` builds (into DATA_DIR/cdk.out), not the sources
  environment: PORT (3000), HOST (127.0.0.1), DATA_DIR (.data), DYNAMODB_PORT (8000), SES_PORT (8005), S3_PORT (8006),
               PUBLIC_BASE_URL (http://localhost:<PORT>)`;

function portOf(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new UsageError(`${name} must be a port number between 1 and 65535, got "${raw}"`);
  }
  return port;
}

function readSettings(argv: string[], env: NodeJS.ProcessEnv): Settings {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) throw new UsageError('');
  const port = portOf('PORT', values.port ?? env.PORT, 3000);
  const settings: Settings = {
    port,
    host: env.HOST || '127.0.0.1',
    dataDir: resolveDataDir(values['data-dir'], env),
    dynamoPort: portOf('DYNAMODB_PORT', values['dynamodb-port'] ?? env.DYNAMODB_PORT, 8000),
    sesPort: portOf('SES_PORT', values['ses-port'] ?? env.SES_PORT, 8005),
    s3Port: portOf('S3_PORT', values['s3-port'] ?? env.S3_PORT, 8006),
    publicBaseUrl: (env.PUBLIC_BASE_URL || `http://localhost:${port}`).replace(/\/+$/, ''),
    seed: !values['no-seed'],
    bundled: values.bundled,
  };
  const ports = [settings.port, settings.dynamoPort, settings.sesPort, settings.s3Port];
  if (new Set(ports).size !== ports.length) {
    throw new UsageError(`PORT, DYNAMODB_PORT, SES_PORT and S3_PORT must differ, got ${ports.join(', ')}`);
  }
  return settings;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'dynamodb-port': { type: 'string' },
      'ses-port': { type: 'string' },
      's3-port': { type: 'string' },
      'no-seed': { type: 'boolean', default: false },
      bundled: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

const PID_FILE = 'dynamodb.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The DynamoDB Local serving this data directory, from the pid file `npm start` writes (`<java pid>
 * <npm start pid>`): started by another `npm start` still running (`owner` alive), or left behind
 * by one that was killed too hard to clean up (kill -9, a crash). Two on one directory would
 * corrupt its database, whatever their ports.
 */
function dynamoUsingDataDir(dataDir: string): { pid: number; ownerAlive: boolean } | undefined {
  let pid: number;
  let owner: number;
  try {
    [pid = Number.NaN, owner = Number.NaN] = readFileSync(join(dataDir, PID_FILE), 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  // Where /proc exists, make sure the pid was not reused by an unrelated process.
  const cmdline = `/proc/${pid}/cmdline`;
  if (existsSync('/proc/self')) {
    if (!existsSync(cmdline)) return undefined;
    const args = readFileSync(cmdline, 'utf8');
    if (!args.includes('DynamoDBLocal') || !args.includes(join(dataDir, 'dynamodb'))) return undefined;
  }
  return { pid, ownerAlive: Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner) };
}

/** Stops a DynamoDB Local an earlier run left behind (its whole process group: see dynamodb.ts). */
async function stopOrphan(pid: number): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(process.platform === 'win32' ? pid : -pid, sig);
    } catch {
      // Gone already.
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + 5_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) signal('SIGKILL');
  while (alive(pid)) await new Promise((r) => setTimeout(r, 50));
}

/** The one line to print when a port is taken, or undefined when all are free. */
async function busyPortMessage(settings: Settings): Promise<string | undefined> {
  const wanted: [string, number, string][] = [
    ['PORT', settings.port, settings.host],
    ['DYNAMODB_PORT', settings.dynamoPort, '127.0.0.1'],
    ['SES_PORT', settings.sesPort, '127.0.0.1'],
    ['S3_PORT', settings.s3Port, '127.0.0.1'],
  ];
  const taken = new Set(wanted.map(([, port]) => port));
  for (const [name, port, host] of wanted) {
    if (await isPortFree(port, host)) continue;
    let alternative = port + 1;
    while (alternative < 65_535 && (taken.has(alternative) || !(await isPortFree(alternative, host)))) {
      alternative++;
    }
    return `port ${port} is already in use: stop the other process or set ${name}=${alternative}`;
  }
  return undefined;
}

/** What the handlers read from their environment, as the CDK stack sets it in the cloud. */
function configureEnvironment(
  settings: Settings,
  dynamoEndpoint: string,
  sesEndpoint: string,
  evidence: LocalEvidence,
): void {
  applyLocalEnvironment({
    dynamoEndpoint,
    sesEndpoint,
    s3Endpoint: evidence.s3.endpoint,
    documentsBucket: evidence.bucket,
    sealDir: evidence.sealDir,
    tableName: TABLE_NAME,
    publicBaseUrl: settings.publicBaseUrl,
    senderEmail: SENDER_EMAIL,
    // Seals link tokens in the email outbox; the cloud reads it from Secrets Manager.
    linkKey: process.env.LINK_KEY || persistentSecret(settings.dataDir, 'link-key'),
  });
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  // The embedded-metric JSON lines only mean something to CloudWatch; set it to false to see them.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  // Notice emails link the deal's page in the console.
  process.env.REP_APP_URL ??= `${settings.publicBaseUrl}/app`;
}

class StartupAborted extends Error {}

/** Synthesizes the CDK app into DATA_DIR/cdk.out, as `cdk synth` would, and returns its bundles. */
async function synthesize(dataDir: string): Promise<{ bundles: Bundles; outdir: string; seconds: number }> {
  // Loaded only here: aws-cdk-lib would slow every other start.
  const { synthBundles } = await import('./bundles.ts');
  const outdir = join(dataDir, 'cdk.out');
  // Assets from earlier runs are never reused (each is named by its hash): start from nothing.
  rmSync(outdir, { recursive: true, force: true });
  const started = performance.now();
  const bundles = synthBundles(outdir);
  return { bundles, outdir, seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<number> {
  // Lambda runs Node 22; the SDK's notice that it will soon need Node 22 is noise on a laptop.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let settings: Settings;
  try {
    settings = readSettings(process.argv.slice(2), process.env);
  } catch (error) {
    const message = (error as Error).message;
    console.error(message ? `${message}\n${USAGE}` : USAGE);
    return message ? 2 : 0;
  }

  const running = dynamoUsingDataDir(settings.dataDir);
  if (running?.ownerAlive) {
    console.error(
      `another \`npm start\` uses ${settings.dataDir} (its DynamoDB Local is pid ${running.pid}): stop it first, or use another DATA_DIR`,
    );
    return 1;
  }
  if (running) {
    console.log(
      `stopping DynamoDB Local (pid ${running.pid}) left running on ${settings.dataDir} by an earlier run`,
    );
    await stopOrphan(running.pid);
    rmSync(join(settings.dataDir, PID_FILE), { force: true });
  }
  const busy = await busyPortMessage(settings);
  if (busy) {
    console.error(busy);
    return 1;
  }
  try {
    assertJava();
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }

  const cleanups: { name: string; run: () => Promise<void> }[] = [];
  let stopping = false;
  let resolveStopped: (code: number) => void = () => {};
  const stopped = new Promise<number>((resolve) => {
    resolveStopped = resolve;
  });

  let firstSignalAt = 0;
  const onSignal = () => {
    if (stopping) {
      // One Ctrl-C can arrive twice (the terminal signals the whole group, and tsx relays it too);
      // only a later one means the user is done waiting.
      if (Date.now() - firstSignalAt < 1_000) return;
      // startDynamo's exit hook kills Java on the way out.
      process.exit(130);
    }
    firstSignalAt = Date.now();
    stopping = true;
    console.log('\nStopping...');
    resolveStopped(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // In the cloud a handler's stray error (a throw in a library callback, a promise nobody awaits)
  // ends that invocation, and the next one runs in a fresh sandbox: the service goes on. Here the
  // handlers share this process with everything else, so such an error is logged and the stack
  // keeps serving instead of exiting.
  process.on('uncaughtException', (error) => {
    console.error(
      `[runtime] a handler threw outside its invocation (the stack keeps running): ${error.stack ?? error}`,
    );
  });
  process.on('unhandledRejection', (reason) => {
    console.error(
      `[runtime] a promise was rejected and never handled (the stack keeps running): ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
    );
  });

  /** Between startup steps: a Ctrl-C during startup stops at the next step instead of finishing. */
  const checkpoint = () => {
    if (stopping) throw new StartupAborted();
  };

  const { dataDir } = settings;
  let seedLine = '';
  let notifyLine = '';
  let sesViewer = '';
  let documentsLine = '';
  let sealLine = '';
  let apiUrl = '';
  let functionsLine = 'functions/*/handler.ts (TypeScript sources)';
  const source: HandlerSource = settings.bundled ? 'bundled' : 'source';
  try {
    mkdirSync(dataDir, { recursive: true });
    const secret = localSecret(dataDir);

    let bundles: Bundles | undefined;
    if (settings.bundled) {
      console.log('building bundles with cdk synth…');
      try {
        const synth = await synthesize(dataDir);
        bundles = synth.bundles;
        console.log(`bundles built in ${synth.seconds.toFixed(1)} s`);
        functionsLine = `the bundles cdk deploy uploads (${synth.outdir})`;
      } catch (error) {
        // A Ctrl-C during the synth also stops esbuild, which fails the synth: let the signal land first.
        await new Promise((resolve) => setTimeout(resolve, 100));
        checkpoint();
        throw error;
      }
      checkpoint();
    }

    const localDynamo = await startDynamo({ port: settings.dynamoPort, dataDir: join(dataDir, 'dynamodb') });
    writeFileSync(join(dataDir, PID_FILE), `${localDynamo.process.pid ?? ''} ${process.pid}\n`);
    cleanups.push({
      name: 'DynamoDB Local',
      run: async () => {
        await localDynamo.stop();
        rmSync(join(dataDir, PID_FILE), { force: true });
      },
    });
    checkpoint();
    await ensureTable(localDynamo.endpoint, TABLE_NAME);
    checkpoint();

    const ses = await startSes({ port: settings.sesPort });
    cleanups.push({ name: 'SES emulator', run: ses.stop });
    sesViewer = ses.viewerUrl;
    const evidence = await startEvidence({ port: settings.s3Port, dataDir });
    cleanups.push({ name: 'S3 emulator', run: evidence.s3.stop });
    documentsLine = `${evidence.s3.endpoint}   (S3 emulator, bucket ${evidence.bucket}; files in ${join(dataDir, 's3')})`;
    sealLine = `sealing with a self-signed certificate (${evidence.sealCreated ? 'generated now in' : 'kept in'} ${evidence.sealDir})`;
    configureEnvironment(settings, localDynamo.endpoint, ses.endpoint, evidence);
    if (bundles) {
      // Each function starts on its first invocation, with the environment configured above.
      const functions = useBundles(bundles);
      cleanups.push({ name: 'bundled functions', run: functions.stop });
    }
    checkpoint();

    await ensureConsoleBuilt();
    checkpoint();
    const server = createLocalServer({
      before: consoleRoutes({ secret }),
      routes,
      handlers: loadHandlers(
        routes.map((r) => r.fn),
        source,
      ),
      verify: (token) => verifyToken(token, secret),
    });
    const listening = await server.listen(settings.port, settings.host);
    cleanups.push({ name: 'HTTP server', run: server.close });
    apiUrl = `http://localhost:${settings.port}`;
    checkpoint();

    // The stream consumers read the table's stream with the cloud mappings' settings
    // (contracts/stream-mapping.ts); what they give up lands in DATA_DIR/dead-letters/<function>/
    // for `npm run replay`, as the cloud's dead-letter queues do.
    const consumers = [
      { fn: 'notify' as const, positions: dataDir },
      // A second reader, as in the cloud; its shard positions live apart from notify's.
      { fn: 'aggregate' as const, positions: join(dataDir, 'aggregate') },
    ];
    for (const consumer of consumers) {
      const handler = await loadStreamHandler(consumer.fn, source);
      if (!handler)
        throw new Error(
          `${settings.bundled ? `the ${consumer.fn} bundle` : `functions/${consumer.fn}/handler.ts`} is missing`,
        );
      const deadLetters = fileDeadLetters(deadLetterDir(dataDir, consumer.fn), consumer.fn);
      const poller = startStreamPoller({
        endpoint: localDynamo.endpoint,
        tableName: TABLE_NAME,
        handler,
        dataDir: consumer.positions,
        functionName: consumer.fn,
        mapping: STREAM_MAPPINGS[consumer.fn],
        onDropped: (dropped) => {
          deadLetters.put(dropped);
          console.error(
            `[${consumer.fn}] gave up on ${dropped.records.length} stream record(s) (${dropped.condition}), kept in ${deadLetters.dir}: replay with \`npm run replay -- ${consumer.fn}\``,
          );
        },
      });
      cleanups.push({ name: `${consumer.fn} stream poller`, run: poller.stop });
    }
    notifyLine = 'notify     reads the table stream (emails appear in the viewer; webhooks)';

    // The scheduled jobs: EventBridge in the cloud, timers here. A run never overlaps the previous
    // one, and a failing run is logged and tried again next time, as a scheduled Lambda would be.
    const schedules = [
      { fn: 'expire', everyMs: Math.max(1, Number(process.env.EXPIRE_EVERY_SECONDS ?? 60)) * 1000 },
      { fn: 'deliver', everyMs: Math.max(1, Number(process.env.DELIVER_EVERY_SECONDS ?? 10)) * 1000 },
    ];
    for (const schedule of schedules) {
      const run = await loadScheduledHandler(schedule.fn, source);
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        Promise.resolve()
          .then(run)
          .catch((error: unknown) =>
            console.error(
              `[${schedule.fn}] failed: ${error instanceof Error ? error.message : String(error)}`,
            ),
          )
          .finally(() => {
            running = false;
          });
      }, schedule.everyMs);
      cleanups.push({ name: `${schedule.fn} schedule`, run: async () => clearInterval(timer) });
    }
    const everyMs = schedules[0]?.everyMs ?? 60_000;
    const deliverEveryMs = schedules[1]?.everyMs ?? 10_000;
    checkpoint();

    if (settings.seed) {
      const manager = await signToken(userFor('maya'), secret);
      try {
        const seeded = await seedDemo({ baseUrl: listening, token: manager, dataDir });
        seedLine = seeded.created ? `demo deal created: ${seeded.dealId}` : `demo deal: ${seeded.dealId}`;
      } catch (error) {
        // The stack is still useful without the demo (the API may be mid-rewrite): say why, go on.
        const reason = error instanceof SeedError ? error.message : String(error);
        seedLine = `demo data not seeded: ${reason}`;
      }
    }
    checkpoint();

    const tokens = await Promise.all(
      demoUsers.map(async (u) => ({ user: u, token: await signToken(u, secret) })),
    );
    const width = Math.max(...demoUsers.map((u) => u.sub.length));
    console.log(
      [
        '',
        'Closer is running locally.',
        '',
        `  Console    ${apiUrl}/app/   (sign in as alice, bob or maya)`,
        `  API        ${apiUrl}`,
        `  OpenAPI    ${apiUrl}/openapi.json`,
        `  Emails     ${sesViewer}   (SES emulator viewer)`,
        `  Data       ${dataDir}   (delete it to start over)`,
        `  Documents  ${documentsLine}`,
        `  Seal       ${sealLine}`,
        `  Functions  ${functionsLine}`,
        ...(settings.publicBaseUrl !== apiUrl
          ? [`  Public     ${settings.publicBaseUrl}   (quote links)`]
          : []),
        `  ${notifyLine}`,
        '  aggregate  reads the table stream (report aggregates)',
        `  expire     every ${everyMs / 1000} s (quotes past their validity date)`,
        `  deliver    every ${deliverEveryMs / 1000} s (reminders due, emails being retried; dead letters: npm run replay)`,
        ...(seedLine ? [`  ${seedLine}`] : []),
        '',
        'Tokens (12 h; more with `npm run -s token -- <user> [--manager]`):',
        ...tokens.map(
          ({ user, token }) =>
            `  # ${user.sub.padEnd(width)}  ${user.name} (${user.role})\n  export ${user.sub.toUpperCase()}_TOKEN=${token}`,
        ),
        '',
        'Try:',
        `  curl -s -H "Authorization: Bearer $ALICE_TOKEN" ${apiUrl}/deals`,
        '',
        READY_LINE,
      ].join('\n'),
    );
  } catch (error) {
    if (!(error instanceof StartupAborted)) {
      console.error(`could not start: ${error instanceof Error ? error.message : String(error)}`);
      stopping = true;
      resolveStopped(1);
    }
  }

  const code = await stopped;
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup.run();
    } catch (error) {
      console.error(`stopping the ${cleanup.name} failed: ${(error as Error).message}`);
    }
  }
  if (code === 0) console.log('Stopped.');
  return code;
}

// Exit explicitly: SDK clients inside the handlers keep sockets that would hold the process open.
process.exit(await main());
