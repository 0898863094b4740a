/**
 * Counts the DynamoDB calls the handlers make and the time they spend in them, through a middleware
 * on the handlers' own DocumentClient (this process loads it once; the bench shares the instance).
 * Per measurement: calls per request by command, and DynamoDB milliseconds per request (summed
 * over its calls, parallel ones included), which tell where a request's time goes.
 */
import { performance } from 'node:perf_hooks';

export interface DynamoUsage {
  /** Average calls per request, by command (`GetCommand: 3`). */
  callsPerRequest: Record<string, number>;
  /** Average of the summed duration of a request's DynamoDB calls. */
  dynamoMsPerRequest: number;
}

export interface DynamoProbe {
  reset(): void;
  usage(requests: number): DynamoUsage;
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Installs the probe. Imported only after the stack set DYNAMODB_ENDPOINT: importing the store's
 * client earlier would bind it to no endpoint.
 */
export async function installDynamoProbe(): Promise<DynamoProbe> {
  const { db } = await import('#store/client');
  let calls = new Map<string, number>();
  let busyMs = 0;
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? 'unknown');
      calls.set(name, (calls.get(name) ?? 0) + 1);
      const started = performance.now();
      try {
        return await next(args);
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
    },
    usage(requests) {
      const perRequest = Object.fromEntries(
        [...calls].sort(([a], [b]) => a.localeCompare(b)).map(([name, n]) => [name, round(n / requests)]),
      );
      return { callsPerRequest: perRequest, dynamoMsPerRequest: round(busyMs / requests) };
    },
  };
}
