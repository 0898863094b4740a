import { useEffect } from 'react';
import { Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { Icon } from '../components/ui/icons.tsx';
import { signOut } from '../lib/auth.ts';
import { useI18n } from '../lib/i18n.tsx';
import { rememberReturn } from '../lib/session.ts';
import { useSession } from '../lib/use-session.ts';
import { LanguageSwitch } from './language-switch.tsx';

/** The signed-in frame: navigation, the user, the language; signed out, the way to sign in. */
export function AppLayout() {
  const { t } = useI18n();
  const session = useSession();
  const location = useLocation();
  useEffect(() => {
    document.title = `Closer`;
  }, []);
  if (!session) {
    rememberReturn(`${location.pathname}${location.search}`);
    return <Navigate to="/sign-in" replace />;
  }
  const link = (to: string, icon: Parameters<typeof Icon>[0]['name'], label: string) => (
    <li>
      <NavLink to={to} end={to === '/deals'}>
        <Icon name={icon} /> <span>{label}</span>
      </NavLink>
    </li>
  );
  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="topbar">
        <span className="brand">
          <span className="logo" aria-hidden="true">
            C
          </span>
          Closer
        </span>
        <nav aria-label={t('nav.main')} className="nav">
          <ul>
            {link('/board', 'board', t('nav.board'))}
            {link('/deals', 'list', t('nav.list'))}
            {link('/contacts', 'contacts', t('nav.contacts'))}
            {link('/companies', 'companies', t('nav.companies'))}
            {link('/products', 'products', t('nav.products'))}
            {session.user.manager && link('/settings', 'settings', t('nav.settings'))}
          </ul>
        </nav>
        <div className="user">
          <LanguageSwitch />
          <span className="user-name">
            {session.user.name}{' '}
            <span className="muted">({session.user.manager ? t('nav.manager') : t('nav.rep')})</span>
          </span>
          <button type="button" className="button button-quiet button-small" onClick={() => void signOut()}>
            <Icon name="signOut" /> {t('nav.signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
