/**
 * The people and reference data the benches act with: 20 reps and a manager (real tokens), the
 * default pipeline, one product, and a seeded random source so every run builds the same data.
 */
import type { User } from '#contracts/actor';
import type { TokenSubject } from '#infra/local/jwt';
import { userFor } from '#infra/local/users';
import type { Pipeline } from '#schemas/pipelines';
import type { Client } from './http.ts';
import type { BenchStack } from './stack.ts';

export interface Actor {
  user: User;
  token: string;
}

export const OWNER_COUNT = 20;

export async function actor(stack: BenchStack, subject: TokenSubject): Promise<Actor> {
  return {
    user: {
      id: subject.sub,
      email: subject.email,
      name: subject.name,
      manager: subject.groups.includes('managers'),
    },
    token: await stack.token(subject),
  };
}

export async function actors(stack: BenchStack): Promise<{ manager: Actor; reps: Actor[] }> {
  const manager = await actor(stack, userFor('bench-manager', { manager: true }));
  const reps = await Promise.all(
    Array.from({ length: OWNER_COUNT }, (_, i) =>
      actor(stack, userFor(`bench-rep-${String(i).padStart(2, '0')}`)),
    ),
  );
  return { manager, reps };
}

/** The default pipeline (created on first use, as a fresh install does) and its open stages. */
export async function defaultPipeline(client: Client, manager: Actor): Promise<Pipeline> {
  const { body } = await client.send<{ items: Pipeline[] }>('GET', '/pipelines', { token: manager.token });
  const pipeline = body.items.find((p) => p.isDefault);
  if (!pipeline) throw new Error('GET /pipelines returned no default pipeline');
  return pipeline;
}

export function openStages(pipeline: Pipeline): string[] {
  return pipeline.stages.filter((s) => s.kind === 'open').map((s) => s.id);
}

export async function product(client: Client, manager: Actor): Promise<{ id: string }> {
  const { body } = await client.send<{ id: string }>('POST', '/products', {
    token: manager.token,
    expect: 201,
    body: { name: 'Annual licence', unitPrice: 480_000, currency: 'EUR', taxRate: 20 },
  });
  return body;
}

/** A company and a contact of it (contacts and companies are shared records, not owned). */
export async function customer(
  http: Client,
  rep: Actor,
  n: number,
): Promise<{ companyId: string; contactId: string }> {
  const company = await http.send<{ id: string }>('POST', '/companies', {
    token: rep.token,
    expect: 201,
    body: {
      name: `Customer ${n} SAS`,
      address: `${n} rue de la Paix\n75002 Paris`,
      vatNumber: 'FR12345678901',
    },
  });
  const contact = await http.send<{ id: string }>('POST', '/contacts', {
    token: rep.token,
    expect: 201,
    body: { name: `Buyer ${n}`, email: `buyer-${n}@customer.example`, companyId: company.body.id },
  });
  return { companyId: company.body.id, contactId: contact.body.id };
}

/** mulberry32: a tiny seeded generator, so two runs load the same deals. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An ISO date `day` days into 2026 (0 → 2026-01-01). */
export function dayOf2026(day: number): string {
  return new Date(Date.UTC(2026, 0, 1 + day)).toISOString().slice(0, 10);
}
