import { MANAGERS_GROUP } from '#contracts/actor';
import type { TokenSubject } from './jwt.ts';

export const REPS_GROUP = 'reps';

export interface DemoUser extends TokenSubject {
  /** What the banner calls them. */
  role: 'rep' | 'manager';
}

/** The demo users: the seeded deal belongs to alice; maya sees every rep's deals. */
export const demoUsers: readonly DemoUser[] = [
  { sub: 'alice', name: 'Alice Martin', email: 'alice@example.com', groups: [REPS_GROUP], role: 'rep' },
  { sub: 'bob', name: 'Bob Durand', email: 'bob@example.com', groups: [REPS_GROUP], role: 'rep' },
  { sub: 'maya', name: 'Maya Chen', email: 'maya@example.com', groups: [MANAGERS_GROUP], role: 'manager' },
];

/**
 * A demo user by id, or a made-up rep for any other id (so a test or a curl session can act as a
 * third rep without configuration). `manager` adds the managers group.
 */
export function userFor(id: string, options: { manager?: boolean } = {}): TokenSubject {
  const demo = demoUsers.find((u) => u.sub === id);
  const base: TokenSubject = demo
    ? { sub: demo.sub, name: demo.name, email: demo.email, groups: [...demo.groups] }
    : { sub: id, name: id, email: `${id}@example.com`, groups: [REPS_GROUP] };
  if (options.manager && !base.groups.includes(MANAGERS_GROUP)) base.groups.push(MANAGERS_GROUP);
  return base;
}
