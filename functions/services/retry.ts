/**
 * The one retry-on-conflict policy. A use case reads, decides and writes on the condition that
 * nothing changed in between; when another writer got there first it reads again and decides
 * again, at most RETRY_LIMIT times, pausing a jittered, growing delay between tries so that writers
 * that collided do not collide again in lockstep.
 */
export const RETRY_LIMIT = 10;
const BASE_DELAY_MS = 20;

/** What one try ended with: a result, or a lost race (the error to throw once tries run out). */
export type Attempt<T> = { done: T } | { lostRace: Error };

export const done = <T>(value: T): Attempt<T> => ({ done: value });
export const lostRace = (error: Error): Attempt<never> => ({ lostRace: error });

/** Full jitter over a linear ceiling: 0–20 ms before the 2nd try, 0–40 ms before the 3rd, … */
export function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * BASE_DELAY_MS * attempt));
}

/** Runs `step` until it is done; after RETRY_LIMIT lost races, throws the last one's error. */
export async function retryOnConflict<T>(step: (attempt: number) => Promise<Attempt<T>>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await step(attempt);
    if ('done' in outcome) return outcome.done;
    if (attempt >= RETRY_LIMIT) throw outcome.lostRace;
    await backoff(attempt);
  }
}
