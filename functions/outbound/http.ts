import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { checkWebhookUrl, isForbiddenAddress, LOCAL_TEST_HOST, UnsafeUrlError } from '#domain/webhooks';

/**
 * Outbound POSTs to addresses a manager typed (webhooks), made safe against server-side request
 * forgery: https only (http://127.0.0.1 with the local test setting), every name resolved and every
 * address it resolves to checked before connecting (loopback, private, link-local, metadata and
 * reserved ranges refused), the connection made to the very address that was checked (no second
 * lookup an attacker's DNS could answer differently), each redirect checked the same way (at most
 * 3), a 10 s budget for the whole exchange, and at most 1 KB of the answer kept.
 */

export interface OutboundOptions {
  /** The local-only test setting: lets http://127.0.0.1 through (never set in the cloud). */
  allowLocalHttp: boolean;
  timeoutMs?: number;
  /** DNS resolution (tests pass one that answers what a hostile DNS would). */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
}

export interface OutboundResult {
  status: number;
  /** The first 1 KB of the answer's body (UTF-8). */
  body: string;
  /** Where the request finally went (after redirects). */
  url: string;
}

/** The endpoint answered, but not with a 2xx. */
export class OutboundStatusError extends Error {
  /** Retried by the delivery schedule like any failure that can pass. */
  readonly $retryable = true;
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`the endpoint answered ${status}`);
    this.name = 'OutboundStatusError';
  }
}

export const MAX_KEPT_BODY = 1024;
const MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function systemResolve(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );
}

/**
 * The socket's lookup: resolves the name once, refuses it when any address it resolves to is
 * forbidden, and hands the socket exactly the addresses it checked.
 */
function pinnedLookup(resolve: (hostname: string) => Promise<LookupAddress[]>): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const bad = addresses.find((a) => isForbiddenAddress(a.address));
        if (addresses.length === 0 || bad) {
          callback(
            new UnsafeUrlError(
              `${hostname} resolves to ${bad?.address ?? 'nothing'}: a loopback, private, link-local or reserved address`,
            ),
            '',
          );
          return;
        }
        const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
        const usable = wanted ? addresses.filter((a) => a.family === wanted) : addresses;
        if (options.all) callback(null, usable as never);
        else {
          const first = usable[0];
          if (!first) callback(new UnsafeUrlError(`${hostname} has no IPv${wanted} address`), '');
          else callback(null, first.address, first.family);
        }
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, ''),
    );
  };
}

function once(
  url: URL,
  body: string,
  headers: Record<string, string>,
  options: OutboundOptions,
  signal: AbortSignal,
): Promise<{ response: IncomingMessage; kept: string }> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        signal,
        // A name is resolved by our lookup (checked, pinned); an IP literal was checked already.
        lookup: pinnedLookup(options.resolve ?? systemResolve),
        // Never reuse a connection made for another host or check.
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_KEPT_BODY) chunks.push(chunk.subarray(0, MAX_KEPT_BODY - size));
          size += chunk.length;
          // Nothing beyond 1 KB is read: the rest of a large answer is dropped with the socket.
          if (size >= MAX_KEPT_BODY) response.destroy();
        });
        const done = () => resolve({ response, kept: Buffer.concat(chunks).toString('utf8') });
        response.on('end', done);
        response.on('close', done);
        response.on('error', (error) => (size >= MAX_KEPT_BODY ? done() : reject(error)));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** POSTs `body` to `target` under the rules above; resolves on a 2xx, throws otherwise. */
export async function safePost(
  target: string,
  body: string,
  headers: Record<string, string>,
  options: OutboundOptions,
): Promise<OutboundResult> {
  const controller = new AbortController();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const timer = setTimeout(() => {
    const error = new Error(`no answer within ${timeoutMs / 1000} s`);
    error.name = 'TimeoutError';
    controller.abort(error);
  }, timeoutMs);
  try {
    let url = checkWebhookUrl(target, options);
    for (let hop = 0; ; hop++) {
      const { response, kept } = await once(url, body, headers, options, controller.signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECTS.has(status) && location) {
        if (hop >= MAX_REDIRECTS) throw new OutboundStatusError(status, 'too many redirects');
        // The next hop passes the same checks (scheme, literal address, then its name's addresses).
        url = checkWebhookUrl(new URL(location, url).toString(), options);
        continue;
      }
      if (status >= 200 && status < 300) return { status, body: kept, url: url.toString() };
      throw new OutboundStatusError(status, kept);
    }
  } catch (error) {
    if (controller.signal.aborted && controller.signal.reason instanceof Error)
      throw controller.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

export { LOCAL_TEST_HOST, UnsafeUrlError };

/**
 * The same checks as a delivery, made when an endpoint is registered or changed: the URL's rules,
 * then, for a name, every address it resolves to. A name that does not resolve now is accepted (it
 * is checked again at every delivery); one that resolves to a forbidden address is refused.
 */
export async function checkDestination(target: string, options: OutboundOptions): Promise<void> {
  const url = checkWebhookUrl(target, options);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return;
  let addresses: LookupAddress[];
  try {
    addresses = await (options.resolve ?? systemResolve)(host);
  } catch {
    return;
  }
  const bad = addresses.find((a) => isForbiddenAddress(a.address));
  if (bad)
    throw new UnsafeUrlError(
      `${host} resolves to ${bad.address}: a loopback, private, link-local or reserved address`,
    );
}
