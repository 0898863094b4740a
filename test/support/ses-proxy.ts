import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A switch in front of the SES emulator, for outage tests and the outbox benchmark. `down()` stops
 * listening and cuts open connections, so the handlers' SES client gets real refused connections;
 * `up()` listens again on the same port. Requests whose email goes to an address `rejects` matches
 * get SES's own refusal (400 MessageRejected), as SES answers for an address it will not send to:
 * the emulator accepts everything, and SES itself cannot run here.
 */
export interface SesProxy {
  endpoint: string;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
  /** Requests answered by the emulator (accepted or not) since the start. */
  forwarded(): number;
}

function recipientsOf(form: string): string {
  const data = new URLSearchParams(form).get('RawMessage.Data') ?? '';
  const mime = Buffer.from(data, 'base64').toString('utf8');
  return /^To: (.*)$/m.exec(mime)?.[1] ?? '';
}

const rejection = (to: string) =>
  `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>MessageRejected</Code><Message>Address blacklisted: ${to.replace(/[<>&]/g, '')}</Message></Error><RequestId>proxy</RequestId></ErrorResponse>`;

export async function startSesProxy(
  target: string,
  options: { rejects?: (to: string) => boolean } = {},
): Promise<SesProxy> {
  let forwarded = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const to = recipientsOf(body.toString('utf8'));
    if (to && options.rejects?.(to)) {
      res.writeHead(400, { 'content-type': 'text/xml' }).end(rejection(to));
      return;
    }
    forwarded++;
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        ([k, v]) => typeof v === 'string' && k !== 'host' && k !== 'content-length',
      ),
    ) as Record<string, string>;
    const answer = await fetch(`${target}${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers,
      ...(body.length > 0 ? { body } : {}),
    });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
    res.end(Buffer.from(await answer.arrayBuffer()));
  };
  let server: Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((req, res) => {
        handle(req, res).catch(() => res.destroy());
      });
      server.listen(port, '127.0.0.1', () => {
        const address = server?.address();
        port = typeof address === 'object' && address ? address.port : port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      const current = server;
      server = undefined;
      if (!current) return resolve();
      current.close(() => resolve());
      current.closeAllConnections();
    });
  await listen();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    down: stop,
    up: async () => {
      if (!server) await listen();
    },
    close: stop,
    forwarded: () => forwarded,
  };
}
