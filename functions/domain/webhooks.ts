import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

/**
 * Webhooks, the pure part: what a delivery's body holds, how it is signed, which event types an
 * endpoint wants, and which addresses an outbound request may never reach. No I/O: the adapter
 * (functions/outbound) and the services call these.
 */

/** The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` (Stripe's style). */
export const SIGNATURE_HEADER = 'closer-signature';
/** Stable across the retries and manual redeliveries of one event to one endpoint: the receiver's idempotency key. */
export const DELIVERY_HEADER = 'closer-delivery-id';
export const EVENT_TYPE_HEADER = 'closer-event-type';

/** A new signing secret: `whsec_` and 32 random bytes, base64url. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The `v1` value: HMAC-SHA256 over `<timestamp>.<raw body>`, hex. */
export function signatureOf(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
}

/**
 * The header value. While a rotated secret is still honoured (24 h), the body is signed with both,
 * so a receiver that has not switched yet still verifies (`v1=` appears twice, newest first).
 */
export function signatureHeader(secrets: string[], timestamp: number, rawBody: string): string {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${signatureOf(s, timestamp, rawBody)}`)].join(',');
}

/**
 * The receiver's check (the README shows the same steps): the timestamp is recent and one `v1`
 * matches, compared in constant time. Used by the tests as a receiver would.
 */
export function verifySignature(
  header: string,
  rawBody: string,
  secret: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = header.split(',').map((p) => p.split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureOf(secret, t, rawBody), 'hex');
  return parts
    .filter(([k]) => k === 'v1')
    .some(([, v]) => {
      const given = Buffer.from(v ?? '', 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

/** Fields of an event's data that must never leave Closer (sealed link tokens and the like). */
const SECRET_FIELD = /token|secret|password/i;

function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => !SECRET_FIELD.test(k) && !k.startsWith('_'))
        .map(([k, v]) => [k, scrub(v)]),
    );
  }
  return value;
}

export interface WebhookBody {
  id: string;
  type: string;
  at: string;
  data: Record<string, unknown>;
}

/**
 * The JSON body of a delivery: `{id, type, at, data}`, where `data` is the event's data with its
 * deal id and actor, minus anything secret (never a link token, sealed or not).
 */
export function webhookBody(event: {
  id: string;
  dealId: string;
  type: string;
  at: string;
  actor: unknown;
  data?: Record<string, unknown>;
}): WebhookBody {
  return {
    id: event.id,
    type: event.type,
    at: event.at,
    data: {
      ...(scrub(event.data ?? {}) as Record<string, unknown>),
      dealId: event.dealId,
      actor: event.actor,
    },
  };
}

/** `*`, `quote.*` or an exact type such as `quote.signed`. */
export const EVENT_PATTERN = /^(\*|[a-z][a-z_]*\.(\*|[a-z][a-z_]*))$/;

export function wantsEvent(patterns: readonly string[], type: string): boolean {
  return patterns.some(
    (p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))),
  );
}

/**
 * Addresses an outbound request never reaches: loopback, private, link-local (the cloud metadata
 * service at 169.254.169.254 and fd00:ec2::254 included), carrier-grade NAT, multicast, reserved,
 * unspecified, documentation and benchmarking ranges. IPv4-mapped IPv6 addresses are checked as IPv4.
 */
const FORBIDDEN = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  FORBIDDEN.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  FORBIDDEN.addSubnet(net, prefix, 'ipv6');

/** True when no webhook may ever connect to this IP address. */
export function isForbiddenAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 0) return true;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
    if (mapped?.[1]) return FORBIDDEN.check(mapped[1], 'ipv4');
    // ::ffff:7f00:1 and other hex spellings of a mapped IPv4 address.
    if (/^::ffff:/i.test(bare)) return true;
    return FORBIDDEN.check(bare, 'ipv6');
  }
  return FORBIDDEN.check(bare, 'ipv4');
}

/** The one loopback address the local test setting lets through (never a name, never in the cloud). */
export const LOCAL_TEST_HOST = '127.0.0.1';

export class UnsafeUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeUrlError';
  }
}

/**
 * The checks a URL passes before any DNS lookup: https (or, with the local test setting,
 * http://127.0.0.1), no credentials in it, and a host that is not a forbidden IP literal. Throws
 * UnsafeUrlError saying why. Names are checked again after resolution (functions/outbound).
 */
export function checkWebhookUrl(raw: string, options: { allowLocalHttp: boolean }): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError('is not a URL');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const localTest = options.allowLocalHttp && host === LOCAL_TEST_HOST;
  if (url.protocol !== 'https:' && !(localTest && url.protocol === 'http:'))
    throw new UnsafeUrlError('must use https');
  if (url.username || url.password) throw new UnsafeUrlError('must not carry a user name or password');
  if (!localTest && isIP(host) !== 0 && isForbiddenAddress(host))
    throw new UnsafeUrlError('points at a loopback, private, link-local or reserved address');
  return url;
}
