import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { LanguageSwitch } from '../../../app/language-switch.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { ErrorState, Loading } from '../../../components/ui/states.tsx';
import {
  authMode,
  completeCloudSignIn,
  localUsers,
  signInLocal,
  startCloudSignIn,
} from '../../../lib/auth.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { takeReturn } from '../../../lib/session.ts';

export function SignInScreen() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  return (
    <main id="main" className="sign-in">
      <div className="sign-in-card">
        <div className="sign-in-top">
          <span className="logo" aria-hidden="true">
            C
          </span>
          <LanguageSwitch />
        </div>
        <h1>{t('signIn.title')}</h1>
        {params.get('expired') && <p className="notice">{t('signIn.back')}</p>}
        {authMode() === 'local' ? <LocalSignIn /> : <CloudSignIn />}
      </div>
    </main>
  );
}

function LocalSignIn() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const users = useQuery({ queryKey: ['local-users'], queryFn: localUsers });
  const [id, setId] = useState('');
  const [manager, setManager] = useState(false);
  const [error, setError] = useState<string>();
  const go = async (user: string, asManager: boolean) => {
    try {
      await signInLocal(user, asManager);
      navigate(takeReturn(), { replace: true });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <>
      <p>{t('signIn.local')}</p>
      {users.error && <ErrorState error={users.error} retry={() => void users.refetch()} />}
      {users.isPending && <Loading />}
      <ul className="demo-users">
        {users.data?.map((u) => (
          <li key={u.id}>
            <button
              type="button"
              className="button demo-user"
              onClick={() => void go(u.id, u.role === 'manager')}
            >
              <span>{t('signIn.as', { name: u.name })}</span>
              <span className="muted">
                {u.id} · {u.role === 'manager' ? t('nav.manager') : t('nav.rep')}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <form
        className="stack"
        aria-label={t('signIn.other')}
        onSubmit={(e) => {
          e.preventDefault();
          if (id.trim()) void go(id.trim(), manager);
        }}
      >
        <h2>{t('signIn.other')}</h2>
        <Field label={t('signIn.userId')} error={error}>
          {(props) => (
            <input {...props} value={id} autoComplete="username" onChange={(e) => setId(e.target.value)} />
          )}
        </Field>
        <label className="check">
          <input type="checkbox" checked={manager} onChange={(e) => setManager(e.target.checked)} />
          {t('signIn.manager')}
        </label>
        <button type="submit" className="button button-primary">
          {t('signIn.submit')}
        </button>
      </form>
    </>
  );
}

function CloudSignIn() {
  const { t } = useI18n();
  return (
    <>
      <p>{t('signIn.cloud')}</p>
      <button type="button" className="button button-primary" onClick={() => void startCloudSignIn()}>
        {t('signIn.continue')}
      </button>
    </>
  );
}

/** Cognito sends the browser back here with a code; PKCE exchanges it for tokens. */
export function CallbackScreen() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    completeCloudSignIn()
      .then(() => navigate(takeReturn(), { replace: true }))
      .catch(setError);
  }, [navigate]);
  return (
    <main id="main">{error ? <ErrorState error={error} /> : <Loading label={t('signIn.completing')} />}</main>
  );
}
