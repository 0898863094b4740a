import '../quotes.css';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { Icon } from '../../../components/ui/icons.tsx';
import { ErrorState, errorMessage, Loading } from '../../../components/ui/states.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import { api, unwrap } from '../../../lib/api-client.ts';
import { formatDate, formatDateTime, formatMoney } from '../../../lib/format.ts';
import { type MessageKey, useI18n } from '../../../lib/i18n.tsx';
import {
  createQuote,
  downloadPdf,
  type Quote,
  reviseQuote,
  useDealQuotes,
  useRefreshQuotes,
  withdrawQuote,
} from '../api/quotes.ts';
import { answeredAt, emailFailures, waitsForCustomer } from '../status.ts';
import { SendDialog } from './send-dialog.tsx';
import { StatusChip } from './status-chip.tsx';

/** The deal page's "Quotes" section: every version, its status, and what the rep can do next. */
export function QuotesSection({ dealId }: { dealId: string }) {
  const { t } = useI18n();
  const quotes = useDealQuotes(dealId);
  const navigate = useNavigate();
  const refresh = useRefreshQuotes();
  // The deal's recent events say which quote email could not be delivered.
  const events = useQuery({
    queryKey: ['quotes', 'events', dealId],
    queryFn: () =>
      unwrap(api.GET('/deals/{id}/timeline', { params: { path: { id: dealId }, query: { limit: 100 } } })),
    select: (page) => emailFailures(page.items),
  });
  const create = useMutation({
    mutationFn: () => createQuote(dealId),
    onSuccess: (quote) => {
      refresh(dealId, quote);
      void navigate(`/quotes/${quote.id}`);
    },
  });
  return (
    <section className="panel quotes" aria-labelledby="quotes-title">
      <div className="panel-head">
        <h2 id="quotes-title">{t('quotes.title')}</h2>
        <button
          type="button"
          className="button button-primary"
          disabled={create.isPending}
          onClick={() => create.mutate()}
        >
          <Icon name="plus" /> {create.isPending ? t('quotes.creating') : t('quotes.new')}
        </button>
      </div>
      {create.error && (
        <p className="notice notice-warning" role="alert">
          {errorMessage(create.error, t)}
        </p>
      )}
      {quotes.error && <ErrorState error={quotes.error} retry={() => void quotes.refetch()} />}
      {quotes.isPending && <Loading />}
      {quotes.data?.length === 0 && <p className="muted">{t('quotes.empty')}</p>}
      <ul className="quote-list">
        {quotes.data?.map((quote) => (
          <QuoteCard key={quote.id} quote={quote} failure={events.data?.get(quote.id)} />
        ))}
      </ul>
    </section>
  );
}

function QuoteCard({ quote, failure }: { quote: Quote; failure: { to: string; at: string } | undefined }) {
  const { t, locale } = useI18n();
  const toast = useToast();
  const navigate = useNavigate();
  const refresh = useRefreshQuotes();
  const [dialog, setDialog] = useState<'send' | 'resend' | 'withdraw' | undefined>();
  const label = `${quote.number} ${t('quotes.version', { version: quote.version })}`;
  const revise = useMutation({
    mutationFn: () => reviseQuote(quote.id),
    onSuccess: (next) => {
      refresh(quote.dealId, next);
      void navigate(`/quotes/${next.id}`);
    },
  });
  const withdraw = useMutation({
    mutationFn: () => withdrawQuote(quote.id),
    onSuccess: (withdrawn) => {
      setDialog(undefined);
      toast(t('quotes.withdrawn'));
      refresh(quote.dealId, withdrawn);
    },
  });
  const pdf = useMutation({
    mutationFn: () => downloadPdf(quote.id, `${quote.number}-v${quote.version}.pdf`),
  });
  const answered = answeredAt(quote);
  const lastRequest = quote.changeRequests.at(-1);
  const reviseButton = (primary: boolean) => (
    <button
      type="button"
      className={`button${primary ? ' button-primary' : ''}`}
      disabled={revise.isPending}
      onClick={() => revise.mutate()}
    >
      {revise.isPending ? t('quotes.revising', { version: quote.version + 1 }) : t('quotes.revise')}
    </button>
  );
  return (
    <li className="quote-card" data-status={quote.status} aria-labelledby={`quote-${quote.id}`}>
      <div className="quote-card-head">
        <h3 id={`quote-${quote.id}`}>
          {quote.status === 'draft' ? <Link to={`/quotes/${quote.id}`}>{label}</Link> : label}
        </h3>
        <StatusChip status={quote.status} />
        <strong className="quote-total">{formatMoney(quote.totals.total, quote.currency, locale)}</strong>
      </div>
      <dl className="quote-dates">
        <div>
          <dt>{t('quotes.validUntil')}</dt>
          <dd>{formatDate(quote.validUntil, locale)}</dd>
        </div>
        {quote.sentAt && (
          <div>
            <dt>{t('quotes.sentAt')}</dt>
            <dd>{formatDateTime(quote.sentAt, locale)}</dd>
          </div>
        )}
        {quote.viewedAt && (
          <div>
            <dt>{t('quotes.viewedAt')}</dt>
            <dd>{formatDateTime(quote.viewedAt, locale)}</dd>
          </div>
        )}
        {answered && (
          <div>
            <dt>{t('quotes.answeredAt')}</dt>
            <dd>{formatDateTime(answered, locale)}</dd>
          </div>
        )}
      </dl>

      {quote.status === 'changes_requested' && lastRequest && (
        <div className="callout callout-warn" role="note">
          <strong>{t('quotes.changesTitle')}</strong>
          <blockquote className="customer-message">{lastRequest.message}</blockquote>
          <p className="muted">{t('quotes.changesHelp', { version: quote.version + 1 })}</p>
          <div className="actions">{reviseButton(true)}</div>
        </div>
      )}

      {quote.status === 'declined' && quote.decline && (
        <div className="callout callout-lost" role="note">
          <strong>{t('quotes.declinedTitle')}</strong>
          <p>
            {t('quotes.declineReason')}: {reasonLabel(quote.decline.reason, t)}
          </p>
          {quote.decline.message && (
            <blockquote className="customer-message">{quote.decline.message}</blockquote>
          )}
        </div>
      )}

      {failure && waitsForCustomer(quote) && (
        <div className="callout callout-lost" role="alert">
          <strong>{t('quotes.emailFailedTitle', { to: failure.to })}</strong>
          <p>{t('quotes.emailFailedHelp')}</p>
          <div className="actions">
            <button type="button" className="button button-primary" onClick={() => setDialog('resend')}>
              {t('quotes.resend')}
            </button>
          </div>
        </div>
      )}

      {quote.status === 'signed' && quote.signature && <Evidence quote={quote} />}

      <div className="actions">
        {quote.status === 'draft' && (
          <>
            <Link className="button" to={`/quotes/${quote.id}`}>
              {t('quotes.open')}
            </Link>
            <button type="button" className="button button-primary" onClick={() => setDialog('send')}>
              <Icon name="send" /> {t('quotes.send')}
            </button>
          </>
        )}
        {waitsForCustomer(quote) && (
          <>
            {!failure && (
              <button type="button" className="button" onClick={() => setDialog('resend')}>
                {t('quotes.resend')}
              </button>
            )}
            {reviseButton(false)}
            <button type="button" className="button button-danger" onClick={() => setDialog('withdraw')}>
              {t('quotes.withdraw')}
            </button>
          </>
        )}
        <button
          type="button"
          className="button button-quiet"
          disabled={pdf.isPending}
          onClick={() => pdf.mutate()}
        >
          <Icon name="download" /> {quote.status === 'signed' ? t('quotes.signedPdf') : t('quotes.pdf')}
        </button>
      </div>
      {(revise.error || pdf.error) && (
        <p className="error" role="alert">
          {errorMessage(revise.error ?? pdf.error, t)}
        </p>
      )}

      {(dialog === 'send' || dialog === 'resend') && (
        <SendDialog quote={quote} mode={dialog} onClose={() => setDialog(undefined)} />
      )}
      <Dialog
        title={t('quotes.withdrawTitle', { number: quote.number, version: quote.version })}
        open={dialog === 'withdraw'}
        onClose={() => setDialog(undefined)}
      >
        <p>{t('quotes.withdrawText')}</p>
        {withdraw.error && (
          <p className="error" role="alert">
            {errorMessage(withdraw.error, t)}
          </p>
        )}
        <div className="actions">
          <button type="button" className="button" onClick={() => setDialog(undefined)}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="button button-danger"
            disabled={withdraw.isPending}
            onClick={() => withdraw.mutate()}
          >
            {t('quotes.withdrawConfirm')}
          </button>
        </div>
      </Dialog>
    </li>
  );
}

const REASONS = ['price', 'timing', 'competitor', 'no_longer_needed', 'other'];

function reasonLabel(reason: string, t: (key: MessageKey) => string): string {
  return REASONS.includes(reason) ? t(`quotes.reason.${reason}` as MessageKey) : reason;
}

/** Who signed, how, when, from where, and the exact document: what the certificate page says. */
function Evidence({ quote }: { quote: Quote }) {
  const { t, locale } = useI18n();
  const signature = quote.signature;
  if (!signature) return null;
  return (
    <details className="evidence" open>
      <summary>{t('quotes.evidence')}</summary>
      <dl>
        <div>
          <dt>{t('quotes.signer')}</dt>
          <dd>
            {signature.name}
            {signature.email ? ` <${signature.email}>` : ''}
          </dd>
        </div>
        <div>
          <dt>{t('quotes.method')}</dt>
          <dd>{t(`quotes.method.${signature.method}`)}</dd>
        </div>
        <div>
          <dt>{t('quotes.signedAt')}</dt>
          <dd>
            <time dateTime={signature.at}>{formatDateTime(signature.at, locale)}</time>
          </dd>
        </div>
        <div>
          <dt>{t('quotes.ip')}</dt>
          <dd>{signature.ip}</dd>
        </div>
        <div>
          <dt>{t('quotes.userAgent')}</dt>
          <dd className="wrap">{signature.userAgent}</dd>
        </div>
        <div>
          <dt>{t('quotes.documentHash')}</dt>
          <dd className="hash">{signature.documentHash}</dd>
        </div>
      </dl>
      {signature.image && (
        <img
          className="signature-image"
          src={signature.image}
          alt={t('quotes.drawnSignature', { name: signature.name })}
        />
      )}
    </details>
  );
}
