/**
 * Signing in. Locally: the local runner's sign-in route hands out a local JWT. In the cloud:
 * Cognito's managed login, authorization code with PKCE through oidc-client-ts (loaded only then),
 * the ID token kept in sessionStorage and renewed with the refresh token before it expires.
 */
import type { UserManager } from 'oidc-client-ts';
import type { AuthSettings } from './config.ts';
import { type Session, sessionFromToken, setSession } from './session.ts';

let settings: AuthSettings = { mode: 'local', signInPath: '/local/sign-in' };
let apiBase = '';
let manager: Promise<UserManager> | undefined;

export function configureAuth(auth: AuthSettings, apiUrl: string): void {
  settings = auth;
  apiBase = apiUrl;
  if (auth.mode === 'cognito') void cloudManager();
}

export function authMode(): AuthSettings['mode'] {
  return settings.mode;
}

const base = () => `${location.origin}${import.meta.env.BASE_URL}`;

function cloudManager(): Promise<UserManager> {
  if (settings.mode !== 'cognito') throw new Error('not a cloud sign-in');
  const cloud = settings;
  manager ??= import('oidc-client-ts').then(({ UserManager, WebStorageStateStore }) => {
    const m = new UserManager({
      authority: cloud.authority,
      client_id: cloud.clientId,
      redirect_uri: `${base()}callback`,
      post_logout_redirect_uri: `${base()}sign-in`,
      response_type: 'code',
      scope: cloud.scope ?? 'openid email profile',
      userStore: new WebStorageStateStore({ store: sessionStorage }),
      stateStore: new WebStorageStateStore({ store: sessionStorage }),
      automaticSilentRenew: true,
    });
    // Renewed tokens replace the session's; the API is called with the ID token (name, email, groups).
    m.events.addUserLoaded((user) => {
      if (user.id_token) setSession(sessionFromToken(user.id_token));
    });
    m.events.addSilentRenewError(() => setSession(undefined));
    return m;
  });
  return manager;
}

export interface LocalUser {
  id: string;
  name: string;
  role: 'rep' | 'manager';
}

export async function localUsers(): Promise<LocalUser[]> {
  if (settings.mode !== 'local') return [];
  const res = await fetch(`${apiBase}${settings.signInPath}`);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return ((await res.json()) as { users: LocalUser[] }).users;
}

export async function signInLocal(user: string, asManager: boolean): Promise<Session> {
  if (settings.mode !== 'local') throw new Error('local sign-in is only on the local stack');
  const res = await fetch(`${apiBase}${settings.signInPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, manager: asManager }),
  });
  const body = (await res.json()) as { token?: string; error?: { message: string } };
  if (!res.ok || !body.token) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
  const session = sessionFromToken(body.token);
  setSession(session);
  return session;
}

/** Sends the browser to Cognito's sign-in page. */
export async function startCloudSignIn(): Promise<void> {
  await (await cloudManager()).signinRedirect();
}

/** Back from Cognito with a code: exchanges it (PKCE) and opens the session. */
export async function completeCloudSignIn(): Promise<void> {
  const user = await (await cloudManager()).signinRedirectCallback();
  if (!user.id_token) throw new Error('no ID token');
  setSession(sessionFromToken(user.id_token));
}

export async function signOut(): Promise<void> {
  setSession(undefined);
  if (settings.mode !== 'cognito') return;
  const m = await cloudManager();
  await m.removeUser();
  // Cognito's logout endpoint ends its own session too, then comes back to the sign-in screen.
  const url = new URL(`${settings.domain.replace(/\/+$/, '')}/logout`);
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('logout_uri', `${base()}sign-in`);
  location.assign(url.toString());
}
