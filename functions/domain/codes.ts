import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * One-time codes before signing (`requireCode`): six digits emailed to the recipient, valid ten
 * minutes, five tries each, three codes an hour. Only a keyed hash of the code is stored (HMAC with
 * the link key, bound to the quote, so a code of one quote never fits another).
 */
export const CODE_MINUTES = 10;
export const CODE_ATTEMPTS = 5;
export const CODES_PER_HOUR = 3;
const HOUR_MS = 60 * 60 * 1000;

export interface SignerCode {
  /** Which code this is (a new one replaces the last). */
  id: string;
  hash: string;
  /** The masked address it went to. */
  to: string;
  sentAt: string;
  expiresAt: string;
  /** Tries so far (right or wrong). */
  attempts: number;
  /** When the codes of the last hour were sent (the hourly limit). */
  issued: string[];
  usedAt?: string;
}

export function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

export function hashCode(key: Buffer, quoteId: string, code: string): string {
  return createHmac('sha256', key).update(`${quoteId}:${code}`).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Codes sent in the hour before `now`; and, when there are too many, when the next one may be. */
export function codeAllowance(
  state: Pick<SignerCode, 'issued'> | undefined,
  now: string,
): { recent: string[]; retryAt?: string } {
  const since = Date.parse(now) - HOUR_MS;
  const recent = (state?.issued ?? []).filter((t) => Date.parse(t) > since).sort();
  if (recent.length < CODES_PER_HOUR) return { recent };
  const oldest = recent[recent.length - CODES_PER_HOUR] as string;
  return { recent, retryAt: new Date(Date.parse(oldest) + HOUR_MS).toISOString() };
}

export function issueCode(id: string, hash: string, to: string, now: string, recent: string[]): SignerCode {
  return {
    id,
    hash,
    to,
    sentAt: now,
    expiresAt: new Date(Date.parse(now) + CODE_MINUTES * 60_000).toISOString(),
    attempts: 0,
    issued: [...recent, now],
  };
}

/** Why a code cannot be tried now, before it is counted: none asked, used, expired, out of tries. */
export function codeRefusal(
  state: SignerCode | undefined,
  now: string,
): 'code_required' | 'code_expired' | 'code_locked' | undefined {
  if (!state || state.usedAt) return 'code_required';
  if (now >= state.expiresAt) return 'code_expired';
  if (state.attempts >= CODE_ATTEMPTS) return 'code_locked';
  return undefined;
}

/** "j***@example.com": enough for the customer to recognise their address, not to read it. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
