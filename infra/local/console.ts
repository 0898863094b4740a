/**
 * The reps' console on the local stack: the built single-page app under `/app/` (with the SPA
 * fallback and the same security headers CloudFront adds in the cloud), its runtime settings, and
 * the local sign-in route. That route exists only here: it is not in the route table, so the
 * cloud's API can never have it (a stack test checks).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { MANAGERS_GROUP } from '#contracts/actor';
import { CONSOLE_DIST, consoleCsp } from '../console-assets.ts';
import { signToken } from './jwt.ts';
import { demoUsers, userFor } from './users.ts';

export { ensureConsoleBuilt } from '../console-assets.ts';
export const CONSOLE_BASE = '/app/';
/** Local runner only: never in the route table. */
export const LOCAL_SIGN_IN_PATH = '/local/sign-in';

/** What the console reads at start-up to know how to sign in (the cloud writes its own). */
export const LOCAL_CONSOLE_CONFIG = { auth: { mode: 'local', signInPath: LOCAL_SIGN_IN_PATH } } as const;

const SECURITY_HEADERS = {
  'content-security-policy': consoleCsp(),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

const USER_ID = /^[a-z0-9][a-z0-9._@-]{0,63}$/i;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength;
    if (size > 4096) throw new Error('too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function problem(res: ServerResponse, status: number, code: string, message: string) {
  send(res, status, { error: { code, message } });
}

/** `POST /local/sign-in {user, manager?}` → a local JWT; `GET` lists the demo users. */
async function signIn(req: IncomingMessage, res: ServerResponse, secret: Uint8Array) {
  if (req.method === 'GET') {
    return send(res, 200, {
      users: demoUsers.map((u) => ({ id: u.sub, name: u.name, role: u.role })),
    });
  }
  if (req.method !== 'POST')
    return problem(res, 405, 'method_not_allowed', `${LOCAL_SIGN_IN_PATH} accepts GET, POST`);
  let body: unknown;
  try {
    body = await readJson(req);
  } catch {
    return problem(res, 400, 'bad_request', 'send JSON: {"user": "alice", "manager": false}');
  }
  const { user, manager } = (body ?? {}) as { user?: unknown; manager?: unknown };
  if (typeof user !== 'string' || !USER_ID.test(user)) {
    return problem(res, 422, 'invalid', 'user: letters, digits, ".", "_", "-" or "@", at most 64');
  }
  const subject = userFor(user, { manager: manager === true });
  const token = await signToken(subject, secret);
  return send(res, 200, {
    token,
    user: {
      id: subject.sub,
      name: subject.name,
      email: subject.email,
      manager: subject.groups.includes(MANAGERS_GROUP),
    },
  });
}

function serveFile(res: ServerResponse, file: string, immutable: boolean) {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  res.end(readFileSync(file));
}

/**
 * Handles the console's paths and the local sign-in route; answers false for anything else (the
 * API routes), so the caller goes on to the route table.
 */
export function consoleRoutes(options: { secret: Uint8Array; distDir?: string }) {
  const dist = options.distDir ?? CONSOLE_DIST;
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === LOCAL_SIGN_IN_PATH) {
      await signIn(req, res, options.secret);
      return true;
    }
    if (path === '/app') {
      res.writeHead(308, { location: CONSOLE_BASE });
      res.end();
      return true;
    }
    if (!path.startsWith(CONSOLE_BASE)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      problem(res, 405, 'method_not_allowed', 'the console is static: GET only');
      return true;
    }
    if (path === `${CONSOLE_BASE}config.json`) {
      send(res, 200, LOCAL_CONSOLE_CONFIG, SECURITY_HEADERS);
      return true;
    }
    let relative: string;
    try {
      relative = normalize(decodeURIComponent(path.slice(CONSOLE_BASE.length)));
    } catch {
      problem(res, 400, 'bad_request', 'the path is not valid percent-encoding');
      return true;
    }
    const file = resolve(dist, relative);
    if ((file === dist || file.startsWith(dist + sep)) && existsSync(file) && statSync(file).isFile()) {
      serveFile(res, file, relative.startsWith(`assets${sep}`));
      return true;
    }
    // A missing asset is a 404; any other path is a screen of the app (SPA fallback).
    if (relative.startsWith(`assets${sep}`) || extname(relative) !== '') {
      problem(res, 404, 'not_found', `no file ${path}`);
      return true;
    }
    const index = join(dist, 'index.html');
    if (!existsSync(index)) {
      problem(res, 503, 'not_built', 'the console is not built: run `npm run build:console`');
      return true;
    }
    serveFile(res, index, false);
    return true;
  };
}
