import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freePort, isPortFree } from '#infra/local/ports';
import { DEMO_DEAL_NAME } from '#infra/local/seed';

const READY = 'Press Ctrl-C to stop.';
const dataDir = mkdtempSync(join(tmpdir(), 'closer-start-'));
const running: ChildProcess[] = [];

interface Started {
  child: ChildProcess;
  stdout: () => string;
  exited: Promise<number | null>;
}

async function ports() {
  return {
    PORT: String(await freePort()),
    DYNAMODB_PORT: String(await freePort()),
    SES_PORT: String(await freePort()),
  };
}

/** Runs `npm start` as a user would (without npm's own output), in its own data directory. */
function launch(env: Record<string, string>): Started {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, ...env };
  // The stack must use (and keep) its own secret in the data dir, as it does for a user.
  delete childEnv.LOCAL_JWT_SECRET;
  // Node itself with tsx's loader, not the tsx wrapper: the wrapper relays SIGINT and SIGKILLs a
  // child that is slow to answer, which a loaded CI machine can be.
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], {
    env: childEnv,
    stdio: 'pipe',
  });
  running.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => `${out}\n--- stderr ---\n${err}`, exited };
}

async function ready(started: Started, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!started.stdout().includes(READY)) {
    if (started.child.exitCode !== null) throw new Error(`npm start exited early:\n${started.stdout()}`);
    if (Date.now() > deadline) throw new Error(`npm start was not ready in time:\n${started.stdout()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return started.stdout();
}

function tokenOf(banner: string, user: string): string {
  const token = new RegExp(`export ${user.toUpperCase()}_TOKEN=(\\S+)`).exec(banner)?.[1];
  if (!token) throw new Error(`no token for ${user} in:\n${banner}`);
  return token;
}

async function get(url: string, token: string) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return {
    status: res.status,
    body: (await res.json()) as { items: { id: string; name: string; ownerId: string }[] },
  };
}

async function waitForFreePort(port: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await isPortFree(port)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

afterEach(() => {
  // A failed assertion must not leave a stack (and its Java) running.
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGINT');
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('serves the seeded demo, stops cleanly on Ctrl-C and finds the same data on the next start', async () => {
    const first = await ports();
    const run1 = launch(first);
    const banner1 = await ready(run1);
    const alice = tokenOf(banner1, 'alice');
    const api1 = `http://localhost:${first.PORT}`;

    const pipelines = await get(`${api1}/pipelines`, alice);
    const deals = await get(`${api1}/deals`, alice);
    const viewer = await fetch(`http://localhost:${first.SES_PORT}/`);
    const screen = await fetch(`${api1}/app/deals/some-deal`);
    const signIn = await fetch(`${api1}/local/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'maya', manager: true }),
    });

    expect(banner1.split('\n').find((l) => l.includes('http://'))).toContain(`${api1}/app/`);
    // The console: any screen of the app is its index.html, under the strict CSP.
    expect(screen.status).toBe(200);
    expect(await screen.text()).toContain('<div id="root">');
    expect(screen.headers.get('content-security-policy')).toContain("script-src 'self'");
    const session = (await signIn.json()) as { token: string; user: { id: string; manager: boolean } };
    expect(session.user).toMatchObject({ id: 'maya', manager: true });
    expect((await get(`${api1}/deals`, session.token)).status).toBe(200);
    expect(pipelines.status).toBe(200);
    expect(pipelines.body.items.length).toBeGreaterThan(0);
    expect(deals.status).toBe(200);
    const seeded = deals.body.items.filter((d) => d.name === DEMO_DEAL_NAME);
    expect(seeded).toHaveLength(1);
    expect(seeded[0]?.ownerId).toBe('alice');
    expect(viewer.status).toBe(200);
    expect(viewer.headers.get('content-type')).toContain('text/html');

    run1.child.kill('SIGINT');
    expect(await run1.exited).toBe(0);
    expect(await waitForFreePort(Number(first.DYNAMODB_PORT))).toBe(true);
    expect(await isPortFree(Number(first.PORT))).toBe(true);

    const second = await ports();
    const run2 = launch(second);
    const banner2 = await ready(run2);
    // A token from the first run still works: the signing secret lives in the data dir.
    const again = await get(`http://localhost:${second.PORT}/deals`, alice);

    expect(banner2).not.toContain('demo deal created');
    expect(again.body.items.filter((d) => d.name === DEMO_DEAL_NAME).map((d) => d.id)).toEqual(
      seeded.map((d) => d.id),
    );

    run2.child.kill('SIGINT');
    expect(await run2.exited).toBe(0);
    expect(await waitForFreePort(Number(second.DYNAMODB_PORT))).toBe(true);
  }, 120_000);

  it('comes back with its data after a SIGKILL, stopping the DynamoDB Local the killed run left', async () => {
    // Arrange: a running stack, a deal of our own.
    const dir = mkdtempSync(join(tmpdir(), 'closer-kill-'));
    try {
      const first = await ports();
      const run1 = launch({ ...first, DATA_DIR: dir });
      const banner1 = await ready(run1, 150_000);
      const alice = tokenOf(banner1, 'alice');
      const created = await fetch(`http://localhost:${first.PORT}/deals`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Survives a kill -9' }),
      });
      expect(created.status).toBe(201);
      const java = Number(readFileSync(join(dir, 'dynamodb.pid'), 'utf8').trim().split(/\s+/)[0]);

      // Act: killed hard, its DynamoDB Local (another process group) stays behind; then a new start.
      run1.child.kill('SIGKILL');
      await run1.exited;
      expect(() => process.kill(java, 0)).not.toThrow();
      const second = await ports();
      const run2 = launch({ ...second, DATA_DIR: dir });
      const banner2 = await ready(run2, 150_000);

      // Assert
      expect(banner2).toContain(`stopping DynamoDB Local (pid ${java}) left running`);
      expect(() => process.kill(java, 0)).toThrow();
      const deals = await get(`http://localhost:${second.PORT}/deals`, alice);
      expect(deals.body.items.map((d) => d.name)).toContain('Survives a kill -9');
      run2.child.kill('SIGTERM');
      expect(await run2.exited).toBe(0);
      expect(await waitForFreePort(Number(second.DYNAMODB_PORT))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 360_000);

  it('exits with code 1 and one line when a port is already in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const taken = typeof address === 'object' && address ? address.port : 0;

    try {
      const run = launch({ ...(await ports()), PORT: String(taken) });
      const code = await run.exited;
      const stderr = run.stdout().split('--- stderr ---\n')[1] ?? '';

      expect(code).toBe(1);
      const lines = stderr.split('\n').filter((l) => l.trim() !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(`^port ${taken} is already in use: stop the other process or set PORT=\\d+$`),
      );
    } finally {
      blocker.close();
    }
  }, 30_000);
});
