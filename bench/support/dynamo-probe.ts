/**
 * Counts the DynamoDB calls the handlers make and the time they spend in them, through a middleware
 * on the handlers' own DocumentClient (this process loads it once; the bench shares the instance).
 * Per measurement: calls per request by command, and DynamoDB milliseconds per request (summed
 * over its calls, parallel ones included), which tell where a request's time goes.
 *
 * Every call also asks for `ReturnConsumedCapacity: TOTAL`, and the capacity units DynamoDB
 * reports (table and indexes) are added up as read or write units, by the handler call they belong
 * to (`attribute`): what on-demand billing charges, measured instead of estimated.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';

export interface DynamoUsage {
  /** Average calls per request, by command (`GetCommand: 3`). */
  callsPerRequest: Record<string, number>;
  /** Average of the summed duration of a request's DynamoDB calls. */
  dynamoMsPerRequest: number;
  /** Average read and write capacity units per request (ReturnConsumedCapacity: TOTAL). */
  readUnitsPerRequest: number;
  writeUnitsPerRequest: number;
}

/** What one kind of handler call consumed in DynamoDB, summed over its calls. */
export interface Consumption {
  calls: number;
  readUnits: number;
  writeUnits: number;
}

export interface DynamoProbe {
  reset(): void;
  usage(requests: number): DynamoUsage;
  /** Runs `fn` with every DynamoDB call it makes counted under `label` (a function, a route). */
  attribute<T>(label: string, fn: () => Promise<T>): Promise<T>;
  /** Totals by label since the probe was installed (reset() leaves them alone). */
  consumption(): Record<string, Consumption>;
}

const round = (n: number) => Math.round(n * 100) / 100;

const WRITES = /^(Put|Update|Delete|BatchWrite|TransactWrite)/;

interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

/** Read and write units of one answer: one ConsumedCapacity, or one per table (batch, transaction). */
function unitsOf(command: string, output: unknown): { read: number; write: number } {
  const consumed = (output as { ConsumedCapacity?: Capacity | Capacity[] } | undefined)?.ConsumedCapacity;
  let read = 0;
  let write = 0;
  for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
    if (c.ReadCapacityUnits !== undefined || c.WriteCapacityUnits !== undefined) {
      read += c.ReadCapacityUnits ?? 0;
      write += c.WriteCapacityUnits ?? 0;
    } else if (WRITES.test(command)) {
      write += c.CapacityUnits ?? 0;
    } else {
      read += c.CapacityUnits ?? 0;
    }
  }
  return { read, write };
}

/**
 * Installs the probe. Imported only after the stack set DYNAMODB_ENDPOINT: importing the store's
 * client earlier would bind it to no endpoint.
 */
export async function installDynamoProbe(): Promise<DynamoProbe> {
  const { db } = await import('#store/client');
  const current = new AsyncLocalStorage<string>();
  let calls = new Map<string, number>();
  let busyMs = 0;
  let readUnits = 0;
  let writeUnits = 0;
  const byLabel = new Map<string, Consumption>();
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? 'unknown');
      calls.set(name, (calls.get(name) ?? 0) + 1);
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity ??= 'TOTAL';
      const started = performance.now();
      try {
        const result = await next(args);
        const units = unitsOf(name, result.output);
        readUnits += units.read;
        writeUnits += units.write;
        const label = current.getStore() ?? 'unattributed';
        const total = byLabel.get(label) ?? { calls: 0, readUnits: 0, writeUnits: 0 };
        total.calls += 1;
        total.readUnits += units.read;
        total.writeUnits += units.write;
        byLabel.set(label, total);
        return result;
      } finally {
        busyMs += performance.now() - started;
      }
    },
    { step: 'initialize', name: 'closerBenchProbe', override: true },
  );
  return {
    reset() {
      calls = new Map();
      busyMs = 0;
      readUnits = 0;
      writeUnits = 0;
    },
    usage(requests) {
      const perRequest = Object.fromEntries(
        [...calls].sort(([a], [b]) => a.localeCompare(b)).map(([name, n]) => [name, round(n / requests)]),
      );
      return {
        callsPerRequest: perRequest,
        dynamoMsPerRequest: round(busyMs / requests),
        readUnitsPerRequest: round(readUnits / requests),
        writeUnitsPerRequest: round(writeUnits / requests),
      };
    },
    attribute: (label, fn) => current.run(label, fn),
    consumption: () => Object.fromEntries([...byLabel].map(([label, c]) => [label, { ...c }])),
  };
}
