/** Runtime settings, read from `/app/config.json` (the local runner serves it; the cloud stack writes it). */
export type AuthSettings =
  | { mode: 'local'; signInPath: string }
  | { mode: 'cognito'; authority: string; clientId: string; domain: string; scope?: string };

export interface ConsoleConfig {
  auth: AuthSettings;
  /** Base URL of the API; empty when it is served from the console's origin. */
  apiUrl: string;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const res = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  const raw = (await res.json()) as Partial<ConsoleConfig>;
  return {
    auth: raw.auth ?? { mode: 'local', signInPath: '/local/sign-in' },
    apiUrl: (raw.apiUrl ?? '').replace(/\/+$/, ''),
  };
}
