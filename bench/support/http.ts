/**
 * The benches' HTTP client: Node's `fetch` (undici), whose global agent keeps connections alive
 * and reuses them, so with N requests in flight the server sees about N sockets for a whole run
 * (the stack counts them; the report prints the count).
 */

export interface RequestOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The status that counts as success; anything else throws with the answer's body. */
  expect?: number;
}

export interface Answer<T> {
  status: number;
  body: T;
  /** Bytes of the body as received. */
  bytes: number;
}

export class UnexpectedStatusError extends Error {}

export class Client {
  constructor(readonly baseUrl: string) {}

  /** One request, its body read to the end (that is when a client has the answer). */
  async send<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, ...(body ? { body } : {}) });
    const text = await response.text();
    const expected = options.expect ?? 200;
    if (response.status !== expected) {
      throw new UnexpectedStatusError(
        `${method} ${path}: expected ${expected}, got ${response.status}: ${text.slice(0, 500)}`,
      );
    }
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      body: (type.startsWith('application/json') && text ? JSON.parse(text) : text) as T,
      bytes: Buffer.byteLength(text),
    };
  }
}
