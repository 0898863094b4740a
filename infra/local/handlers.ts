import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import type { Bundles, FunctionBundle } from './bundles.ts';
import { lambdaContext } from './lambda.ts';
import type { LambdaHttpHandler } from './server.ts';
import type { StreamHandler } from './stream-poller.ts';

/**
 * Where handlers come from: `source`, the TypeScript sources, imported into this process (tsx);
 * `bundled`, the bundles `cdk deploy` uploads (bundles.ts), each function in a worker thread of its
 * own (see `useBundles`).
 */
export type HandlerSource = 'source' | 'bundled';

type Invoke = (event: unknown, context: Context) => Promise<unknown>;

const functionsDir = new URL('../../functions/', import.meta.url);

export function handlerFile(fn: string): string {
  return fileURLToPath(new URL(`${fn}/handler.ts`, functionsDir));
}

/**
 * The code each function's worker runs, an ES module loaded from a data: URL. Plain Node loads the
 * bundle, as Lambda's runtime does: imported into this process instead, tsx or vitest would
 * transform it, and vitest (like a CommonJS or `-e` worker script) would lend it `require` and
 * `__dirname`, which an ES module in Lambda does not have. Events and results cross as JSON, as
 * they do in Lambda.
 */
const WORKER_SOURCE = `
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
// What NODE_OPTIONS=--enable-source-maps does in the cloud: stack traces name functions/ files.
process.setSourceMapsEnabled(true);
let loading;
function load() {
  if (!loading) {
    loading = import(pathToFileURL(workerData.file).href).then((mod) => {
      const handler = mod[workerData.exportName];
      if (typeof handler !== 'function') {
        throw new Error(workerData.file + ' does not export a function named ' + workerData.exportName);
      }
      return handler;
    });
    // A failed init is not kept: the next invocation initializes again, as in Lambda.
    loading.catch(() => { loading = undefined; });
  }
  return loading;
}
const unsupported = () => {
  throw new Error('callback-style completion is not supported: return a promise');
};
parentPort.on('message', async ({ id, event, context }) => {
  try {
    const handler = await load();
    const deadline = Date.now() + context.remainingMs;
    const result = await handler(JSON.parse(event), {
      ...context.fields,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: unsupported,
      fail: unsupported,
      succeed: unsupported,
    });
    parentPort.postMessage({ id, result: JSON.stringify(result ?? null) });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    parentPort.postMessage({ id, error: { name: e.name, message: e.message, stack: e.stack } });
  }
});
`;

const WORKER_URL = new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`);

interface WorkerReply {
  id: number;
  result?: string;
  error?: { name: string; message: string; stack?: string };
}

/** One function's bundle in its worker thread: started on the first invocation, again after a crash. */
class FunctionWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;

  constructor(
    private readonly fn: string,
    private readonly bundle: FunctionBundle,
    private readonly env: Record<string, string>,
  ) {}

  invoke(event: unknown, context: Context): Promise<unknown> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    const fields = {
      callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
      functionName: context.functionName,
      functionVersion: context.functionVersion,
      invokedFunctionArn: context.invokedFunctionArn,
      memoryLimitInMB: context.memoryLimitInMB,
      awsRequestId: context.awsRequestId,
      logGroupName: context.logGroupName,
      logStreamName: context.logStreamName,
    };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Held open only while an invocation is running: an idle function never keeps the process up.
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({
        id,
        event: JSON.stringify(event ?? null),
        context: { fields, remainingMs: context.getRemainingTimeInMillis() },
      });
    });
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error(`function ${this.fn} was stopped during the invocation`));
    await worker?.terminate();
  }

  private start(): Worker {
    // The function's own environment, as each Lambda has its own: this process's, then useBundles'
    // `env`, then the paths the template points into the bundle. A TEMPLATES_DIR from this process
    // would point the bundle at the checkout's templates/ and hide a bundle that lacks them.
    const env: Record<string, string | undefined> = { ...process.env, ...this.env };
    delete env.TEMPLATES_DIR;
    Object.assign(env, this.bundle.environment);
    const worker = new Worker(WORKER_URL, {
      // No tsx or test-runner flags: the bundle runs on plain Node.
      execArgv: [],
      env,
      workerData: { file: this.bundle.file, exportName: this.bundle.exportName },
    });
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (error) => {
      // An uncaught exception ends the worker, as it ends a Lambda execution environment.
      if (this.pending.size === 0) console.error(`[${this.fn}] crashed:`, error);
      this.failAll(error);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new Error(`function ${this.fn} exited with code ${code} during the invocation`));
    });
    this.worker = worker;
    return worker;
  }

  private settle(reply: WorkerReply): void {
    const call = this.pending.get(reply.id);
    if (!call) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (reply.error) {
      const error = new Error(reply.error.message);
      error.name = reply.error.name;
      if (reply.error.stack) error.stack = reply.error.stack;
      call.reject(error);
    } else {
      call.resolve(JSON.parse(reply.result ?? 'null'));
    }
  }

  private failAll(error: Error): void {
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
    this.worker?.unref();
  }
}

interface BundledRuntime {
  bundles: Readonly<Record<string, FunctionBundle | undefined>>;
  env: Record<string, string>;
  workers: Map<string, FunctionWorker>;
}

let bundled: BundledRuntime | undefined;

export interface BundledFunctions {
  /** Terminates the functions' workers; the `bundled` source is unusable until the next `useBundles`. */
  stop(): Promise<void>;
}

/**
 * What the `bundled` source runs: these bundles (from `synthBundles`), each function in its own
 * worker thread, started on its first invocation with this process's environment at that moment,
 * then `env` (e.g. another TABLE_NAME), then the template's paths into the bundle: TEMPLATES_DIR is
 * the bundle's own templates/, as /var/task/templates is in Lambda.
 */
export function useBundles(bundles: Bundles, env: Record<string, string> = {}): BundledFunctions {
  if (bundled) throw new Error('bundles are already in use: stop them before using others');
  const runtime: BundledRuntime = { bundles, env, workers: new Map() };
  bundled = runtime;
  return {
    stop: async () => {
      if (bundled === runtime) bundled = undefined;
      await Promise.all([...runtime.workers.values()].map((w) => w.stop()));
      runtime.workers.clear();
    },
  };
}

function bundleOf(fn: string): { runtime: BundledRuntime; bundle: FunctionBundle } | undefined {
  if (!bundled) throw new Error('no bundles to run: call useBundles(synthBundles(outdir)) first');
  const bundle = bundled.bundles[fn];
  return bundle ? { runtime: bundled, bundle } : undefined;
}

function bundledInvoke(fn: string): Invoke {
  const found = bundleOf(fn);
  if (!found) throw new Error(`no bundle for function ${fn}: the stack does not build it`);
  const { runtime, bundle } = found;
  return (event, context) => {
    if (bundled !== runtime) throw new Error(`the bundles of function ${fn} were stopped`);
    let worker = runtime.workers.get(fn);
    if (!worker) {
      worker = new FunctionWorker(fn, bundle, runtime.env);
      runtime.workers.set(fn, worker);
    }
    return worker.invoke(event, context);
  };
}

async function importHandler<T>(fn: string, source: HandlerSource): Promise<T> {
  if (source === 'bundled') return bundledInvoke(fn) as T;
  const mod = (await import(pathToFileURL(handlerFile(fn)).href)) as { handler?: unknown };
  if (typeof mod.handler !== 'function')
    throw new Error(`functions/${fn}/handler.ts does not export a handler`);
  return mod.handler as T;
}

/**
 * One handler per function, imported on its first request: startup stays fast, a function no route
 * uses is never loaded, and a function still being written fails only its own routes. A failed
 * import is not cached, so the next request tries again.
 */
export function loadHandlers(
  fnNames: readonly string[],
  source: HandlerSource = 'source',
): Record<string, LambdaHttpHandler> {
  const handlers: Record<string, LambdaHttpHandler> = {};
  for (const fn of new Set(fnNames)) {
    let loading: Promise<LambdaHttpHandler> | undefined;
    handlers[fn] = async (event, context) => {
      loading ??= importHandler<LambdaHttpHandler>(fn, source).catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
      return (await loading)(event, context);
    };
  }
  return handlers;
}

/** The stream consumer, when its source (or bundle) exists; undefined while `functions/<fn>` is not written yet. */
export async function loadStreamHandler(
  fn: string,
  source: HandlerSource = 'source',
): Promise<StreamHandler | undefined> {
  if (source === 'bundled' ? !bundleOf(fn) : !existsSync(handlerFile(fn))) return undefined;
  return importHandler<StreamHandler>(fn, source);
}

/** The EventBridge event a schedule rule delivers. */
function scheduledEvent() {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    region: 'local',
    resources: [],
    detail: {},
  };
}

/** A scheduled function (EventBridge in the cloud): the source is called with no event. */
export async function loadScheduledHandler(
  fn: string,
  source: HandlerSource = 'source',
): Promise<() => Promise<unknown>> {
  if (source === 'bundled') {
    const invoke = bundledInvoke(fn);
    const timeoutMs = (bundleOf(fn)?.bundle.timeoutSeconds ?? 60) * 1000;
    return () => invoke(scheduledEvent(), lambdaContext(fn, timeoutMs));
  }
  return importHandler<() => Promise<unknown>>(fn, source);
}
