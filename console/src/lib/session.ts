/**
 * Who is signed in: the bearer token the API accepts and the user it names. Kept in
 * sessionStorage (one tab's sign-in, gone when the tab closes), never in localStorage.
 */
export interface SessionUser {
  id: string;
  name: string;
  email: string;
  manager: boolean;
}

export interface Session {
  token: string;
  user: SessionUser;
  /** Seconds since the epoch. */
  expiresAt: number;
}

const KEY = 'closer.session';
const RETURN_KEY = 'closer.returnTo';
const listeners = new Set<() => void>();
let current: Session | undefined = read();

function read(): Session | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    const session = raw ? (JSON.parse(raw) as Session) : undefined;
    return session && session.expiresAt > Date.now() / 1000 ? session : undefined;
  } catch {
    return undefined;
  }
}

/** The claims of a JWT (not verified: the API verifies it; the console only shows who it names). */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
}

export function sessionFromToken(token: string): Session {
  const claims = claimsOf(token);
  const groups = Array.isArray(claims['cognito:groups']) ? (claims['cognito:groups'] as string[]) : [];
  const id = String(claims.sub ?? '');
  return {
    token,
    expiresAt: typeof claims.exp === 'number' ? claims.exp : Date.now() / 1000 + 3600,
    user: {
      id,
      name: String(claims.name ?? claims.email ?? id),
      email: String(claims.email ?? ''),
      manager: groups.includes('managers'),
    },
  };
}

export function getSession(): Session | undefined {
  if (current && current.expiresAt <= Date.now() / 1000) setSession(undefined);
  return current;
}

export function setSession(session: Session | undefined): void {
  current = session;
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
  for (const listener of listeners) listener();
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Where to go back to after signing in (the screen a 401 interrupted). */
export function rememberReturn(path: string): void {
  sessionStorage.setItem(RETURN_KEY, path);
}

export function takeReturn(): string {
  const path = sessionStorage.getItem(RETURN_KEY) ?? '/board';
  sessionStorage.removeItem(RETURN_KEY);
  // Only a path inside the app: never an open redirect.
  return path.startsWith('/') && !path.startsWith('//') ? path : '/board';
}
