import { useId, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../../components/ui/states.tsx';
import { TableBox } from '../../../components/ui/table-box.tsx';
import { ApiError } from '../../../lib/api-client.ts';
import { formatDateTime, formatNumber } from '../../../lib/format.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { type ImportResult, importDeals, MAX_IMPORT_BYTES } from '../api/imports.ts';

type Step =
  | { kind: 'idle' }
  | { kind: 'busy'; dryRun: boolean }
  | { kind: 'checked'; result: ImportResult }
  | { kind: 'imported'; result: ImportResult }
  | { kind: 'failed'; error: unknown; dryRun: boolean };

/**
 * CSV import in two steps: a dry run shows what the file would do (rows to create, update, left
 * unchanged, each rejected row with its line and problems); only then does "Import" write.
 */
export function ImportScreen() {
  const { t } = useI18n();
  const id = useId();
  const [file, setFile] = useState<{ name: string; text: string } | undefined>();
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [fileProblem, setFileProblem] = useState<string | undefined>();

  const choose = async (chosen: File | undefined) => {
    setStep({ kind: 'idle' });
    setFile(undefined);
    setFileProblem(undefined);
    if (!chosen) return;
    if (chosen.size > MAX_IMPORT_BYTES) {
      setFileProblem(t('import.tooLarge'));
      return;
    }
    setFile({ name: chosen.name, text: await chosen.text() });
  };

  const run = async (dryRun: boolean) => {
    if (!file) return;
    setStep({ kind: 'busy', dryRun });
    try {
      const result = await importDeals(file.text, dryRun);
      setStep(dryRun ? { kind: 'checked', result } : { kind: 'imported', result });
    } catch (error) {
      setStep({ kind: 'failed', error, dryRun });
    }
  };

  const busy = step.kind === 'busy';
  return (
    <div className="import-screen">
      <header className="page-head">
        <h1>{t('import.title')}</h1>
      </header>
      <section className="panel" aria-labelledby={`${id}-choose`}>
        <h2 id={`${id}-choose`}>{t('import.step1')}</h2>
        <p className="hint">
          {t('import.help')} <Link to="/deals">{t('import.exportHint')}</Link>
        </p>
        <div className="field">
          <label htmlFor={`${id}-file`}>{t('import.file')}</label>
          <input
            id={`${id}-file`}
            type="file"
            accept=".csv,text/csv"
            aria-describedby={fileProblem ? `${id}-file-error` : undefined}
            aria-invalid={fileProblem ? true : undefined}
            onChange={(e) => void choose(e.target.files?.[0])}
          />
          {fileProblem && (
            <span className="error" id={`${id}-file-error`}>
              {fileProblem}
            </span>
          )}
        </div>
        <div className="actions">
          <button
            type="button"
            className="button button-primary"
            disabled={!file || busy}
            onClick={() => void run(true)}
          >
            {busy && step.dryRun ? t('import.checking') : t('import.check')}
          </button>
        </div>
      </section>
      <div aria-live="polite">
        {step.kind === 'failed' && <ImportFailure error={step.error} retry={() => void run(step.dryRun)} />}
        {step.kind === 'checked' && (
          <section className="panel" aria-labelledby={`${id}-dry`}>
            <h2 id={`${id}-dry`}>{t('import.step2')}</h2>
            <Outcome result={step.result} />
            {step.result.created + step.result.updated > 0 ? (
              <div className="actions">
                <button
                  type="button"
                  className="button button-primary"
                  disabled={busy}
                  onClick={() => void run(false)}
                >
                  {t('import.confirm', { count: step.result.created + step.result.updated })}
                </button>
                <span className="hint">{t('import.confirmHint')}</span>
              </div>
            ) : (
              <p className="notice">{t('import.nothingToDo')}</p>
            )}
          </section>
        )}
        {busy && !step.dryRun && <p role="status">{t('import.importing')}</p>}
        {step.kind === 'imported' && (
          <section className="panel" aria-labelledby={`${id}-done`}>
            <h2 id={`${id}-done`}>{t('import.done')}</h2>
            <Outcome result={step.result} />
            {step.result.postponed > 0 && (
              <div className="notice notice-warning">
                <p>{t('import.postponed', { count: step.result.postponed })}</p>
                <button type="button" className="button" onClick={() => void run(false)}>
                  {t('import.again')}
                </button>
              </div>
            )}
            <p>
              <Link to="/deals">{t('import.seeDeals')}</Link>
            </p>
          </section>
        )}
      </div>
    </div>
  );
}

/** The counts, then every rejected row with its line and problems. */
function Outcome({ result }: { result: ImportResult }) {
  const { t, locale } = useI18n();
  const id = useId();
  const n = (value: number) => formatNumber(value, locale);
  const dry = result.dryRun;
  const counts: [string, number][] = [
    [t('import.rows'), result.rows],
    [dry ? t('import.toCreate') : t('import.created'), result.created],
    [dry ? t('import.toUpdate') : t('import.updated'), result.updated],
    [t('import.unchanged'), result.unchanged],
    [t('import.rejected'), result.rejected],
    ...(result.postponed > 0 ? [[t('import.postponedCount'), result.postponed] as [string, number]] : []),
  ];
  return (
    <>
      <dl className="import-counts">
        {counts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{n(value)}</dd>
          </div>
        ))}
      </dl>
      {result.ignoredColumns.length > 0 && (
        <p className="hint">{t('import.ignored', { columns: result.ignoredColumns.join(', ') })}</p>
      )}
      {result.errors.length > 0 && (
        <TableBox label={dry ? t('import.rejectedRowsDry') : t('import.rejectedRows')}>
          <table className="table import-errors" aria-labelledby={`${id}-errors`}>
            <caption id={`${id}-errors`}>
              {dry ? t('import.rejectedRowsDry') : t('import.rejectedRows')}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('import.line')}</th>
                <th scope="col">{t('import.row')}</th>
                <th scope="col">{t('import.problems')}</th>
              </tr>
            </thead>
            <tbody>
              {result.errors.map((error) => (
                <tr key={error.line}>
                  <td className="num">{error.line}</td>
                  <td>{error.externalId ?? error.id ?? t('common.none')}</td>
                  <td>
                    <ul className="problems">
                      {error.problems.map((p) => (
                        <li key={`${p.column}:${p.message}`}>
                          <strong>{p.column}</strong>: {p.message}
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
    </>
  );
}

/** What went wrong, and what to do: 409 (another import), a file refused whole, the rest. */
function ImportFailure({ error, retry }: { error: unknown; retry: () => void }) {
  const { t, locale } = useI18n();
  if (error instanceof ApiError && error.status === 409) {
    const details = (error.details ?? {}) as { startedAt?: string; startedBy?: string };
    return (
      <div className="notice notice-warning" role="alert">
        <p>
          <strong>{t('import.busyTitle')}</strong>
        </p>
        <p>
          {t('import.busy', {
            who: details.startedBy ?? '?',
            when: details.startedAt ? formatDateTime(details.startedAt, locale) : '?',
          })}
        </p>
        <button type="button" className="button" onClick={retry}>
          {t('common.retry')}
        </button>
      </div>
    );
  }
  const fileLevel = error instanceof ApiError && [400, 413, 415, 422].includes(error.status);
  const details =
    error instanceof ApiError && Array.isArray(error.details) ? (error.details as unknown[]) : [];
  return (
    <div className="state state-error" role="alert">
      <strong>{fileLevel ? t('import.refused') : t('error.title')}</strong>
      <p>{fileLevel && error instanceof ApiError ? error.message : errorMessage(error, t)}</p>
      {details.length > 0 && (
        <ul className="problems">
          {details.slice(0, 20).map((d, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the API's problems have no id
            <li key={i}>{detailText(d, t('import.line'))}</li>
          ))}
        </ul>
      )}
      {fileLevel ? (
        <p>{t('import.fixFile')}</p>
      ) : (
        <button type="button" className="button" onClick={retry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

function detailText(detail: unknown, lineLabel: string): string {
  if (detail && typeof detail === 'object') {
    const d = detail as Record<string, unknown>;
    const where = [
      d.line !== undefined ? `${lineLabel} ${d.line}` : '',
      typeof d.path === 'string' ? d.path : '',
      typeof d.column === 'string' ? d.column : '',
    ]
      .filter(Boolean)
      .join(', ');
    const message = typeof d.message === 'string' ? d.message : JSON.stringify(d);
    return where ? `${where}: ${message}` : message;
  }
  return String(detail);
}
