import { useMutation } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { errorMessage } from '../../../components/ui/states.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import type { ApiError } from '../../../lib/api-client.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { type Quote, resendQuote, sendQuote, useEmailPreview, useRefreshQuotes } from '../api/quotes.ts';

/** The value after the user stopped typing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * Sends a draft by email or as a link, or emails a sent quote again (`resend`: the same link).
 * Subject and message start as the template's, in the quote's language; the email's preview
 * follows what is typed. A link is shown once, with the warning that it is the customer's key.
 */
export function SendDialog({
  quote,
  mode,
  onClose,
}: {
  quote: Quote;
  mode: 'send' | 'resend';
  onClose: () => void;
}) {
  const { t } = useI18n();
  const toast = useToast();
  const refresh = useRefreshQuotes();
  const [channel, setChannel] = useState<'email' | 'link'>('email');
  const [to, setTo] = useState(quote.recipient.email);
  const [subject, setSubject] = useState<string | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const [link, setLink] = useState<string | undefined>();
  const name = useId();
  const typed = useDebounced({ subject, message }, 400);
  const preview = useEmailPreview(quote.id, {
    ...(typed.subject !== undefined ? { subject: typed.subject } : {}),
    ...(typed.message !== undefined ? { message: typed.message } : {}),
  });
  const defaults = preview.data;
  const subjectValue = subject ?? defaults?.defaultSubject ?? '';
  const messageValue = message ?? defaults?.defaultMessage ?? '';

  const send = useMutation({
    mutationFn: async () => {
      // Only what the rep changed goes: the API writes the template's defaults itself.
      const edited = {
        ...(to !== quote.recipient.email ? { to } : {}),
        ...(subject !== undefined && subject !== defaults?.defaultSubject ? { subject } : {}),
        ...(message !== undefined && message !== defaults?.defaultMessage ? { message } : {}),
      };
      if (mode === 'resend') return resendQuote(quote.id, edited);
      return sendQuote(quote.id, channel === 'email' ? { channel: 'email', ...edited } : { channel: 'link' });
    },
    onSuccess: (result) => {
      refresh(quote.dealId);
      if (mode === 'send' && channel === 'link') {
        setLink(result.url);
        return;
      }
      toast(t(mode === 'resend' ? 'send.resent' : 'send.sent', { number: quote.number }));
      onClose();
    },
  });
  const problems = (send.error as ApiError | null)?.problems ?? [];
  const problem = (field: string) => problems.find((p) => p.path === `body.${field}`)?.message;

  return (
    <Dialog title={t('send.title', { number: quote.number, version: quote.version })} open onClose={onClose}>
      {link ? (
        <LinkOnce url={link} onDone={onClose} />
      ) : (
        <form
          className="stack send-form"
          onSubmit={(e) => {
            e.preventDefault();
            send.mutate();
          }}
        >
          {mode === 'send' && (
            <fieldset className="segmented">
              <legend>{t('send.channel')}</legend>
              <label>
                <input
                  type="radio"
                  name={name}
                  checked={channel === 'email'}
                  onChange={() => setChannel('email')}
                />{' '}
                {t('send.byEmail')}
              </label>
              <label>
                <input
                  type="radio"
                  name={name}
                  checked={channel === 'link'}
                  onChange={() => setChannel('link')}
                />{' '}
                {t('send.byLink')}
              </label>
            </fieldset>
          )}
          {channel === 'email' || mode === 'resend' ? (
            <div className="send-columns">
              <div className="stack">
                <Field label={t('send.to')} error={problem('to')}>
                  {(props) => (
                    <input
                      {...props}
                      type="email"
                      required
                      value={to}
                      onChange={(e) => setTo(e.target.value)}
                    />
                  )}
                </Field>
                <Field label={t('send.subject')} error={problem('subject')}>
                  {(props) => (
                    <input
                      {...props}
                      required
                      maxLength={200}
                      value={subjectValue}
                      onChange={(e) => setSubject(e.target.value)}
                    />
                  )}
                </Field>
                <Field label={t('send.message')} error={problem('message')}>
                  {(props) => (
                    <textarea
                      {...props}
                      rows={8}
                      maxLength={5000}
                      value={messageValue}
                      onChange={(e) => setMessage(e.target.value)}
                    />
                  )}
                </Field>
              </div>
              <section className="email-preview" aria-labelledby={`${name}-preview`}>
                <h3 id={`${name}-preview`}>{t('send.emailPreview')}</h3>
                {defaults && (
                  <>
                    <p>
                      <strong>{t('send.to')}:</strong> {to}
                    </p>
                    <p>
                      <strong>{t('send.subject')}:</strong>{' '}
                      <span className="email-subject">{defaults.subject}</span>
                    </p>
                    <pre className="email-text">{defaults.text}</pre>
                  </>
                )}
                <p className="hint">{t('send.emailPreviewNote')}</p>
              </section>
            </div>
          ) : (
            <p>{t('send.linkHelp')}</p>
          )}
          {send.error && (
            <p className="error" role="alert">
              {errorMessage(send.error, t)}
            </p>
          )}
          <div className="actions">
            <button type="button" className="button" onClick={onClose}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="button button-primary" disabled={send.isPending}>
              {send.isPending
                ? t('send.sending')
                : mode === 'resend'
                  ? t('send.resendEmail')
                  : channel === 'email'
                    ? t('send.sendEmail')
                    : t('send.createLink')}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function LinkOnce({ url, onDone }: { url: string; onDone: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const id = useId();
  return (
    <div className="stack">
      <label htmlFor={id}>{t('send.link')}</label>
      <div className="copy-row">
        <input id={id} className="link-once" readOnly value={url} onFocus={(e) => e.target.select()} />
        <button
          type="button"
          className="button"
          onClick={() => {
            void navigator.clipboard?.writeText(url).then(() => toast(t('send.copied')));
          }}
        >
          {t('send.copy')}
        </button>
      </div>
      <p className="notice notice-warning" role="note">
        {t('send.linkKey')}
      </p>
      <div className="actions">
        <button type="button" className="button button-primary" onClick={onDone}>
          {t('send.done')}
        </button>
      </div>
    </div>
  );
}
