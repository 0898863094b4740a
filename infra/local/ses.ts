import type { Server } from 'node:http';
import sesModule from 'aws-ses-v2-local';

export interface LocalSes {
  /** For `@aws-sdk/client-ses` / `client-sesv2` (`endpoint`); handlers read it from SES_ENDPOINT. */
  endpoint: string;
  /** The emulator's web page listing every email sent. */
  viewerUrl: string;
  stop(): Promise<void>;
}

type StartEmulator = (config?: { host?: string; port?: number }) => Promise<Server>;

/**
 * The package is CommonJS with `exports.default`: depending on the loader, the default import is
 * the function itself or the whole `exports` object.
 */
function emulator(): StartEmulator {
  const loaded: unknown = sesModule;
  if (typeof loaded === 'function') return loaded as StartEmulator;
  const nested = (loaded as { default?: unknown } | undefined)?.default;
  if (typeof nested === 'function') return nested as StartEmulator;
  throw new Error('aws-ses-v2-local does not export its server function as expected');
}

/** Starts the SES emulator (`aws-ses-v2-local`) in this process. */
export async function startSes(options: { port: number; host?: string }): Promise<LocalSes> {
  const host = options.host ?? '127.0.0.1';
  const server = await emulator()({ host, port: options.port });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    endpoint: `http://${host}:${port}`,
    viewerUrl: `http://localhost:${port}/`,
    stop: () =>
      new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        // The viewer polls with keep-alive connections; without this, close waits for them.
        server.closeAllConnections();
      }),
  };
}
