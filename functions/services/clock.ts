import { monotonicFactory } from 'ulid';
import type { Clock } from '#domain/deals';

const ulid = monotonicFactory();

/** Wall clock and ULIDs; the domain receives them as values so it stays pure and testable. */
export function systemClock(): Clock {
  return { now: new Date().toISOString(), newId: () => ulid() };
}

export function newId(): string {
  return ulid();
}
