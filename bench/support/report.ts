/** Printing the figures and writing bench/results/<bench>.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DynamoProbe } from './dynamo-probe.ts';
import { measure, type Stats } from './measure.ts';

export interface Result extends Stats {
  /** What was measured, e.g. `get` or `list: stage + minAmount`. */
  name: string;
  /** The request, e.g. `GET /deals/{id}`. */
  request: string;
  /** Deals (or items) the answer held, for list pages. */
  items?: number;
  /** Whether the list page said there was more (`nextCursor`). */
  more?: boolean;
  /** Response body size in bytes (of the last answer; pages vary little). */
  bytes?: number;
  /** DynamoDB calls per request (average), in all and by command. */
  dynamoCalls?: number;
  dynamoCallsByCommand?: Record<string, number>;
  /** DynamoDB time per request: the sum of its calls' durations (parallel calls add up). */
  dynamoMs?: number;
  /** Capacity units per request, as DynamoDB reports them (ReturnConsumedCapacity: TOTAL). */
  readUnits?: number;
  writeUnits?: number;
}

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

export function loadAverage(): number {
  return Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
}

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length}`;
}

function cell(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

const short = (command: string) => command.replace(/Command$/, '');

/** A plain-text table of the results: one line per measurement; empty columns left out. */
export function table(results: readonly Result[]): string {
  const columns: [string, (r: Result) => unknown][] = [
    ['measurement', (r) => r.name],
    ['request', (r) => r.request],
    ['n', (r) => r.requests],
    ['p50 ms', (r) => r.p50.toFixed(1)],
    ['p90 ms', (r) => r.p90.toFixed(1)],
    ['p99 ms', (r) => r.p99.toFixed(1)],
    ['mean ms', (r) => r.mean.toFixed(1)],
    ['req/s', (r) => r.throughput.toFixed(0)],
    ['items', (r) => r.items],
    ['more', (r) => r.more],
    ['KB', (r) => (r.bytes === undefined ? undefined : (r.bytes / 1024).toFixed(1))],
    ['db calls', (r) => r.dynamoCalls?.toFixed(1)],
    ['db ms', (r) => r.dynamoMs?.toFixed(1)],
    ['RRU', (r) => r.readUnits?.toFixed(1)],
    ['WRU', (r) => r.writeUnits?.toFixed(1)],
  ];
  const used = columns.filter(([, get]) => results.some((r) => get(r) !== undefined));
  const rows = [used.map(([title]) => title), ...results.map((r) => used.map(([, get]) => cell(get(r))))];
  const widths = used.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((text, i) => (i >= 2 ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(rows[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join(
    '\n',
  );
}

/** The DynamoDB calls of each measurement, by command: `get  Get 1`. */
export function callsTable(results: readonly Result[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  return results
    .map((r) => {
      const calls = Object.entries(r.dynamoCallsByCommand ?? {})
        .map(([command, n]) => `${short(command)} ${n}`)
        .join(', ');
      return `${r.name.padEnd(width)}  ${calls || '(none)'}`;
    })
    .join('\n');
}

/** Runs measurements and keeps their results, with the DynamoDB calls each one made. */
export class Recorder {
  readonly results: Result[] = [];

  constructor(private readonly probe: DynamoProbe) {}

  async run(
    name: string,
    request: string,
    count: number,
    task: (i: number) => Promise<unknown>,
    describe: () => Partial<Result> = () => ({}),
  ): Promise<Result> {
    this.probe.reset();
    const stats = await measure(count, async (i) => void (await task(i)));
    const usage = this.probe.usage(stats.requests);
    const calls = Object.values(usage.callsPerRequest).reduce((n, v) => n + v, 0);
    const result: Result = {
      name,
      request,
      ...stats,
      ...describe(),
      dynamoCalls: Math.round(calls * 100) / 100,
      dynamoCallsByCommand: usage.callsPerRequest,
      dynamoMs: usage.dynamoMsPerRequest,
      readUnits: usage.readUnitsPerRequest,
      writeUnits: usage.writeUnitsPerRequest,
    };
    this.results.push(result);
    console.log(
      `  ${name}: p50 ${stats.p50} ms, p99 ${stats.p99} ms; DynamoDB ${result.dynamoCalls} calls, ${usage.dynamoMsPerRequest} ms, ${usage.readUnitsPerRequest} RRU, ${usage.writeUnitsPerRequest} WRU per request`,
    );
    return result;
  }
}

export interface Report {
  date: string;
  node: string;
  machine: string;
  /** 1-minute load average when the bench started and ended: others' work on the machine skews figures. */
  loadAverage: { start: number; end: number };
  concurrency: number;
  quick: boolean;
  setup: Record<string, unknown>;
  results: Result[];
}

/** A report of this run: when, where, how loaded the machine was, with the bench's own setup and results. */
export function buildReport(
  run: { loadStart: number; concurrency: number; quick: boolean },
  setup: Record<string, unknown>,
  results: Result[],
): Report {
  return {
    date: new Date().toISOString(),
    node: process.version,
    machine: machine(),
    loadAverage: { start: run.loadStart, end: loadAverage() },
    concurrency: run.concurrency,
    quick: run.quick,
    setup,
    results,
  };
}

/** Writes the report; a `--quick` run writes `<bench>.quick.json` so it never replaces real figures. */
export function writeReport(bench: string, report: Report): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, report.quick ? `${bench}.quick.json` : `${bench}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
