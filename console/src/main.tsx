import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { AppProvider } from './app/provider.tsx';
import { router } from './app/router.tsx';
import { configureApi, whenUnauthorized } from './lib/api-client.ts';
import { configureAuth } from './lib/auth.ts';
import { loadConfig } from './lib/config.ts';
import { queryClient } from './lib/queries.ts';
import { rememberReturn, setSession } from './lib/session.ts';
import './styles.css';

const config = await loadConfig().catch(() => undefined);
const settings = config ?? { auth: { mode: 'local' as const, signInPath: '/local/sign-in' }, apiUrl: '' };
configureApi(settings.apiUrl);
configureAuth(settings.auth, settings.apiUrl);

// Any 401: back to sign in, then to the same screen.
whenUnauthorized(() => {
  const base = import.meta.env.BASE_URL.replace(/\/$/, '');
  const here = location.pathname.startsWith(base) ? location.pathname.slice(base.length) : location.pathname;
  if (here.startsWith('/sign-in')) return;
  rememberReturn(`${here}${location.search}`);
  setSession(undefined);
  queryClient.clear();
  void router.navigate('/sign-in?expired=1', { replace: true });
});

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <AppProvider>
        <RouterProvider router={router} />
      </AppProvider>
    </StrictMode>,
  );
}
