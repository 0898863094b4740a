import '../quotes.css';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Field } from '../../../components/ui/field.tsx';
import { Icon } from '../../../components/ui/icons.tsx';
import { ErrorState, errorMessage, Loading } from '../../../components/ui/states.tsx';
import type { ApiError } from '../../../lib/api-client.ts';
import { formatMoney, type Locale, today } from '../../../lib/format.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import {
  downloadPdf,
  type Quote,
  type QuoteDraftPatch,
  quoteKeys,
  type Template,
  updateDraft,
  useQuote,
  useQuotePreview,
  useRefreshQuotes,
  useTemplates,
} from '../api/quotes.ts';
import { PreviewFrame } from './preview-frame.tsx';
import { SendDialog, useDebounced } from './send-dialog.tsx';
import { StatusChip } from './status-chip.tsx';

interface Draft {
  templateId: string;
  locale: Locale;
  validUntil: string;
  recipientName: string;
  recipientEmail: string;
  intro: string;
  terms: string;
}

const draftOf = (quote: Quote): Draft => ({
  templateId: quote.templateId,
  locale: quote.locale,
  validUntil: quote.validUntil,
  recipientName: quote.recipient.name,
  recipientEmail: quote.recipient.email,
  intro: quote.intro ?? '',
  terms: quote.terms ?? '',
});

/** What differs between what is saved and what is typed, as the PATCH body. */
function patchOf(saved: Draft, typed: Draft): QuoteDraftPatch {
  const patch: QuoteDraftPatch = {};
  if (typed.templateId !== saved.templateId) patch.templateId = typed.templateId;
  if (typed.locale !== saved.locale) patch.locale = typed.locale;
  if (typed.validUntil !== saved.validUntil && typed.validUntil) patch.validUntil = typed.validUntil;
  if (typed.intro !== saved.intro) patch.intro = typed.intro;
  if (typed.terms !== saved.terms) patch.terms = typed.terms;
  if (typed.recipientName !== saved.recipientName || typed.recipientEmail !== saved.recipientEmail)
    patch.recipient = { name: typed.recipientName, email: typed.recipientEmail };
  return patch;
}

/** The quote builder: a draft's options on one side, the customer's page as it will look on the other. */
export function QuoteBuilderScreen() {
  const { id = '' } = useParams();
  const quote = useQuote(id);
  const templates = useTemplates();
  if (quote.error) return <ErrorState error={quote.error} retry={() => void quote.refetch()} />;
  if (templates.error) return <ErrorState error={templates.error} retry={() => void templates.refetch()} />;
  if (!quote.data || !templates.data) return <Loading />;
  return <Builder key={quote.data.id} quote={quote.data} templates={templates.data} />;
}

function Builder({ quote, templates }: { quote: Quote; templates: Template[] }) {
  const { t, locale } = useI18n();
  const client = useQueryClient();
  const refresh = useRefreshQuotes();
  const [typed, setTyped] = useState<Draft>(() => draftOf(quote));
  const saved = useRef<Draft>(draftOf(quote));
  const [tab, setTab] = useState<'form' | 'preview'>('form');
  const [sending, setSending] = useState(false);
  const editable = quote.status === 'draft';
  const settled = useDebounced(typed, 600);
  const save = useMutation({
    mutationFn: (input: { patch: QuoteDraftPatch; draft: Draft }) => updateDraft(quote.id, input.patch),
    onSuccess: (next, input) => {
      saved.current = input.draft;
      client.setQueryData(quoteKeys.one(next.id), next);
      refresh(next.dealId);
    },
  });
  const { mutate, isPending } = save;
  // Saves what the rep typed once they pause; a failed save keeps the text and says why.
  useEffect(() => {
    if (!editable || isPending) return;
    const patch = patchOf(saved.current, settled);
    if (Object.keys(patch).length === 0) return;
    mutate({ patch, draft: settled });
  }, [settled, editable, isPending, mutate]);
  const preview = useQuotePreview(quote);
  const pdf = useMutation({
    mutationFn: () => downloadPdf(quote.id, `${quote.number}-v${quote.version}.pdf`),
  });

  const template = templates.find((x) => x.id === typed.templateId);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setTyped((d) => ({ ...d, [key]: value }));
  /** A new template or language brings its own intro and terms, unless the rep wrote their own. */
  const switchTo = (templateId: string, nextLocale: Locale) => {
    const next = templates.find((x) => x.id === templateId);
    const current = templates.find((x) => x.id === typed.templateId);
    if (!next) return;
    const lang = next.locales.includes(nextLocale) ? nextLocale : (next.locales[0] ?? 'en');
    setTyped((d) => ({
      ...d,
      templateId,
      locale: lang,
      intro: !current || d.intro === current.defaultIntro[d.locale] ? next.defaultIntro[lang] : d.intro,
      terms: !current || d.terms === current.defaultTerms[d.locale] ? next.defaultTerms[lang] : d.terms,
    }));
  };
  const problems = (save.error as ApiError | null)?.problems ?? [];
  const problem = (field: string) => problems.find((p) => p.path.startsWith(`body.${field}`))?.message;
  const dirty = Object.keys(patchOf(saved.current, typed)).length > 0;
  const state = save.isPending
    ? t('builder.saving')
    : save.error
      ? t('builder.saveFailed', { message: errorMessage(save.error, t) })
      : dirty
        ? t('builder.unsaved')
        : t('builder.saved');

  return (
    <div className="builder" data-tab={tab}>
      <p>
        <Link to={`/deals/${quote.dealId}`}>← {t('builder.back')}</Link>
      </p>
      <header className="builder-head">
        <h1>{t('builder.title', { number: quote.number, version: quote.version })}</h1>
        <StatusChip status={quote.status} />
        <div className="actions">
          <button type="button" className="button" disabled={pdf.isPending} onClick={() => pdf.mutate()}>
            <Icon name="download" /> {t('quotes.pdf')}
          </button>
          {editable && (
            <button
              type="button"
              className="button button-primary"
              disabled={dirty || save.isPending}
              onClick={() => setSending(true)}
            >
              <Icon name="send" /> {t('quotes.send')}
            </button>
          )}
        </div>
      </header>
      {pdf.error && (
        <p className="error" role="alert">
          {errorMessage(pdf.error, t)}
        </p>
      )}
      <div
        className="builder-tabs"
        role="tablist"
        aria-label={t('builder.title', { number: quote.number, version: quote.version })}
      >
        {(['form', 'preview'] as const).map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            id={`builder-tab-${name}`}
            aria-controls={`builder-panel-${name}`}
            aria-selected={tab === name}
            className={`button button-small${tab === name ? ' button-primary' : ''}`}
            onClick={() => setTab(name)}
          >
            {t(name === 'form' ? 'builder.form' : 'builder.preview')}
          </button>
        ))}
      </div>
      <div className="builder-columns">
        <section className="panel builder-form" id="builder-panel-form" aria-labelledby="builder-tab-form">
          {!editable && (
            <p className="notice" role="note">
              {t('builder.notDraft', { status: t(`quotes.status.${quote.status}`) })}
            </p>
          )}
          <fieldset className="stack" disabled={!editable}>
            <Field label={t('builder.template')} error={problem('templateId')}>
              {(props) => (
                <select
                  {...props}
                  value={typed.templateId}
                  onChange={(e) => switchTo(e.target.value, typed.locale)}
                >
                  {templates.map((x) => (
                    <option key={x.id} value={x.id}>
                      {x.name[locale]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('builder.language')} error={problem('locale')}>
              {(props) => (
                <select
                  {...props}
                  value={typed.locale}
                  onChange={(e) => switchTo(typed.templateId, e.target.value as Locale)}
                >
                  {(template?.locales ?? ['en', 'fr']).map((l) => (
                    <option key={l} value={l}>
                      {t(`language.${l}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('builder.validUntil')} error={problem('validUntil')}>
              {(props) => (
                <input
                  {...props}
                  type="date"
                  min={today()}
                  required
                  value={typed.validUntil}
                  onChange={(e) => set('validUntil', e.target.value)}
                />
              )}
            </Field>
            <div className="form-pair">
              <Field label={t('builder.recipientName')} error={problem('recipient.name')}>
                {(props) => (
                  <input
                    {...props}
                    required
                    maxLength={200}
                    value={typed.recipientName}
                    onChange={(e) => set('recipientName', e.target.value)}
                  />
                )}
              </Field>
              <Field label={t('builder.recipientEmail')} error={problem('recipient.email')}>
                {(props) => (
                  <input
                    {...props}
                    type="email"
                    required
                    value={typed.recipientEmail}
                    onChange={(e) => set('recipientEmail', e.target.value)}
                  />
                )}
              </Field>
            </div>
            <Field label={t('builder.intro')} error={problem('intro')}>
              {(props) => (
                <textarea
                  {...props}
                  rows={5}
                  maxLength={5000}
                  value={typed.intro}
                  onChange={(e) => set('intro', e.target.value)}
                />
              )}
            </Field>
            <Field label={t('builder.terms')} error={problem('terms')}>
              {(props) => (
                <textarea
                  {...props}
                  rows={7}
                  maxLength={5000}
                  value={typed.terms}
                  onChange={(e) => set('terms', e.target.value)}
                />
              )}
            </Field>
          </fieldset>
          <p className="muted">
            {t('builder.linesNote', { total: formatMoney(quote.totals.total, quote.currency, locale) })}
          </p>
          <p className={save.error ? 'error' : 'muted'} role="status" aria-live="polite">
            {editable ? state : ''}
          </p>
        </section>
        <section
          className="panel builder-preview"
          id="builder-panel-preview"
          aria-labelledby="builder-tab-preview"
          aria-busy={preview.isFetching}
        >
          {preview.error && <ErrorState error={preview.error} retry={() => void preview.refetch()} />}
          {preview.data !== undefined ? (
            <PreviewFrame html={preview.data} title={t('builder.previewTitle')} />
          ) : (
            !preview.error && <Loading label={t('builder.refreshing')} />
          )}
        </section>
      </div>
      {sending && <SendDialog quote={quote} mode="send" onClose={() => setSending(false)} />}
    </div>
  );
}
