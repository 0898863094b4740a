import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Field } from '../../../components/ui/field.tsx';
import { errorMessage } from '../../../components/ui/states.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import { ApiError, api, type Deal, type Pipeline, unwrap } from '../../../lib/api-client.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { useUser } from '../../../lib/use-session.ts';
import { patchDeal, useRefreshDeal } from '../api/deals.ts';
import { type Draft, DraftError, draftOfDeal, fieldOfProblem, mergeStale, patchOf } from '../deal-draft.ts';
import { ClientFields } from './client-fields.tsx';

/**
 * Every editable field of the deal. Saves send only what changed, conditional on the version the
 * form started from; a failed save keeps what was typed.
 */
export function DealForm({ deal, pipeline }: { deal: Deal; pipeline: Pipeline }) {
  const { t } = useI18n();
  const user = useUser();
  const toast = useToast();
  const refresh = useRefreshDeal();
  const [base, setBase] = useState(deal);
  const [draft, setDraft] = useState<Draft>(() => draftOfDeal(deal));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [stale, setStale] = useState<{ fields: string[]; now: Draft } | undefined>();
  const dirty = Object.keys(patchOfSafe(draft, base, pipeline)).length > 0;

  // A change made elsewhere on this page (a stage move, the lines) while nothing is typed here.
  useEffect(() => {
    if (deal.version !== base.version && !dirty) {
      setBase(deal);
      setDraft(draftOfDeal(deal));
    }
  }, [deal, base.version, dirty]);

  const save = useMutation({
    mutationFn: async () => {
      let patch: ReturnType<typeof patchOf>;
      try {
        patch = patchOf(draft, base, pipeline);
      } catch (error) {
        if (error instanceof DraftError) setErrors({ [error.field]: t('error.invalid') });
        throw error;
      }
      return patchDeal(deal.id, base.version, patch);
    },
    onSuccess: async (saved) => {
      setErrors({});
      setStale(undefined);
      setBase(saved);
      setDraft(draftOfDeal(saved));
      await refresh(saved);
      toast(t('common.saved'));
    },
    onError: async (error) => {
      if (!(error instanceof ApiError)) return;
      if (error.status === 422) {
        setErrors(Object.fromEntries(error.problems.map((p) => [fieldOfProblem(p.path), p.message])));
      }
      if (error.status === 412) {
        const latest = await unwrap(api.GET('/deals/{id}', { params: { path: { id: deal.id } } }));
        const merged = mergeStale(draft, base, latest);
        setStale({ fields: merged.changedByOthers, now: draftOfDeal(latest) });
        setBase(latest);
        setDraft(merged.draft);
      }
    },
  });

  const canHandOver = user.manager || user.id === deal.ownerId;
  const set = (key: string) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [key]: e.target.value }));
  const staleHint = (key: string) =>
    stale?.fields.includes(key) ? (
      <span className="stale-value">{t('error.staleNew', { value: stale.now[key] || '—' })}</span>
    ) : undefined;
  const text = (key: string, label: string, options: { multiline?: boolean; required?: boolean } = {}) => (
    <Field label={label} error={errors[key]} hint={staleHint(key)}>
      {(props) =>
        options.multiline ? (
          <textarea {...props} rows={3} value={draft[key] ?? ''} onChange={set(key)} />
        ) : (
          <input {...props} value={draft[key] ?? ''} required={options.required} onChange={set(key)} />
        )
      }
    </Field>
  );

  return (
    <section className="panel" aria-labelledby="details-title">
      <h2 id="details-title">{t('deal.details')}</h2>
      {stale && (
        <div className="notice notice-warning" role="alert">
          {t('error.stale')}
        </div>
      )}
      {save.error &&
        !(save.error instanceof ApiError && save.error.status === 412) &&
        !(save.error instanceof DraftError) && (
          <p className="error" role="alert">
            {errorMessage(save.error, t)}
          </p>
        )}
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        {text('name', t('deal.name'), { required: true })}
        <Field label={t('deal.closeDate')} error={errors.closeDate} hint={staleHint('closeDate')}>
          {(props) => (
            <input
              {...props}
              type="date"
              required
              value={draft.closeDate ?? ''}
              onChange={set('closeDate')}
            />
          )}
        </Field>
        <Field
          label={`${t('deal.amount')} (${deal.currency})`}
          error={errors.amount}
          hint={deal.lines.length > 0 ? t('deal.amountFromLines') : staleHint('amount')}
        >
          {(props) => (
            <input
              {...props}
              inputMode="decimal"
              readOnly={deal.lines.length > 0}
              value={draft.amount ?? ''}
              onChange={set('amount')}
            />
          )}
        </Field>
        <Field label={t('deal.probability')} error={errors.probability} hint={staleHint('probability')}>
          {(props) => (
            <input
              {...props}
              type="number"
              min={0}
              max={100}
              value={draft.probability ?? ''}
              onChange={set('probability')}
            />
          )}
        </Field>
        {text('nextStep', t('deal.nextStep'))}
        <Field label={t('deal.forecast')} error={errors.forecast} hint={staleHint('forecast')}>
          {(props) => (
            <select {...props} value={draft.forecast ?? ''} onChange={set('forecast')}>
              <option value="">—</option>
              {(['pipeline', 'best_case', 'commit', 'omitted'] as const).map((f) => (
                <option key={f} value={f}>
                  {t(`deal.forecast.${f}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <ClientFields
          contactId={draft.contactId ?? ''}
          companyId={draft.companyId ?? ''}
          onChange={(key, value) => setDraft((d) => ({ ...d, [key]: value }))}
          errors={errors}
          hint={staleHint}
        />
        {text('source', t('deal.source'))}
        {text('competitor', t('deal.competitor'))}
        {deal.status === 'lost' && text('lossReason', t('deal.lossReason'))}
        {deal.status !== 'open' && text('winLossNote', t('deal.winLossNote'), { multiline: true })}
        <Field label={t('deal.handOver')} error={errors.ownerId} hint={staleHint('ownerId')}>
          {(props) => (
            <input {...props} value={draft.ownerId ?? ''} readOnly={!canHandOver} onChange={set('ownerId')} />
          )}
        </Field>
        <Field label={t('deal.observers')} error={errors.observerIds} hint={staleHint('observerIds')}>
          {(props) => <input {...props} value={draft.observerIds ?? ''} onChange={set('observerIds')} />}
        </Field>
        <div className="span-all">{text('description', t('deal.description'), { multiline: true })}</div>
        {pipeline.customFields.length > 0 && (
          <fieldset className="span-all form-grid">
            <legend>{t('deal.customFields')}</legend>
            {pipeline.customFields.map((field) => {
              const key = `custom.${field.key}`;
              const label = `${field.label}${field.required ? ` (${t('common.required')})` : ''}`;
              return (
                <Field key={key} label={label} error={errors[key]} hint={staleHint(key)}>
                  {(props) =>
                    field.type === 'select' ? (
                      <select
                        {...props}
                        value={draft[key] ?? ''}
                        required={field.required}
                        onChange={set(key)}
                      >
                        <option value="">—</option>
                        {field.options?.map((o) => (
                          <option key={o} value={o}>
                            {o}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <input
                        {...props}
                        type={field.type === 'number' ? 'number' : field.type === 'date' ? 'date' : 'text'}
                        step="any"
                        required={field.required}
                        value={draft[key] ?? ''}
                        onChange={set(key)}
                      />
                    )
                  }
                </Field>
              );
            })}
          </fieldset>
        )}
        <div className="actions span-all">
          <button type="submit" className="button button-primary" disabled={save.isPending || !dirty}>
            {save.isPending ? t('common.saving') : t('common.save')}
          </button>
        </div>
      </form>
    </section>
  );
}

function patchOfSafe(draft: Draft, base: Deal, pipeline: Pipeline) {
  try {
    return patchOf(draft, base, pipeline);
  } catch {
    return { invalid: true };
  }
}
