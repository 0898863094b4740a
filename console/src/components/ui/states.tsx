import type { ReactNode } from 'react';
import { ApiError } from '../../lib/api-client.ts';
import { type Translate, useI18n } from '../../lib/i18n.tsx';

export function errorMessage(error: unknown, t: Translate): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  if (error.status === 0) return t('error.network');
  if (error.status >= 500) return t('error.server', { status: error.status });
  if (error.status === 404) return t('error.notFound');
  if (error.status === 403) return t('error.forbidden');
  if (error.status === 422) return `${t('error.invalid')} ${error.message}`;
  return t('error.conflict', { message: error.message });
}

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('common.loading')}
    </div>
  );
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="state state-error" role="alert">
      <strong>{t('error.title')}</strong>
      <p>{errorMessage(error, t)}</p>
      {retry && (
        <button type="button" className="button" onClick={retry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

/** Loading, error with retry, or the content once the query has data. */
export function QueryView<T>({
  query,
  children,
}: {
  query: { data: T | undefined; error: unknown; isPending: boolean; refetch: () => unknown };
  children: (data: T) => ReactNode;
}) {
  if (query.data !== undefined) return <>{children(query.data)}</>;
  if (query.error) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  return <Loading />;
}
