import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { defaultCloseDate } from '#domain/deals';
import { Field } from '../../../components/ui/field.tsx';
import { ErrorState, errorMessage, Loading } from '../../../components/ui/states.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import { ApiError } from '../../../lib/api-client.ts';
import { formatDate, parseMoney } from '../../../lib/format.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import {
  defaultPipeline,
  stageLabel,
  useCompaniesIndex,
  useContactsIndex,
  usePipelines,
} from '../../../lib/queries.ts';
import { useUser } from '../../../lib/use-session.ts';
import { createDeal, type DealInput, useRefreshDeal } from '../api/deals.ts';
import { fieldOfProblem } from '../deal-draft.ts';
import { ClientFields } from './client-fields.tsx';

/** A new deal, from the board, a contact or a company; the API's defaults are shown before saving. */
export function NewDealScreen() {
  const { t, locale } = useI18n();
  const user = useUser();
  const toast = useToast();
  const navigate = useNavigate();
  const refresh = useRefreshDeal();
  const [params] = useSearchParams();
  const pipelines = usePipelines();
  const contacts = useContactsIndex();
  const companies = useCompaniesIndex();
  const contactId = params.get('contact') ?? '';
  const presetCompany = params.get('company') ?? contacts.data?.get(contactId)?.companyId ?? '';
  const [form, setForm] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const value = (key: string, fallback = '') => form[key] ?? fallback;
  const set = (key: string) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));

  const create = useMutation({
    mutationFn: (body: DealInput) => createDeal(body),
    onSuccess: async (deal) => {
      await refresh(deal);
      toast(t('deal.created'));
      navigate(`/deals/${deal.id}`);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 422) {
        setErrors(Object.fromEntries(error.problems.map((p) => [fieldOfProblem(p.path), p.message])));
      }
    },
  });

  if (pipelines.error) return <ErrorState error={pipelines.error} retry={() => void pipelines.refetch()} />;
  if (!pipelines.data) return <Loading />;
  const pipeline =
    pipelines.data.find((p) => p.id === value('pipelineId', params.get('pipeline') ?? '')) ??
    defaultPipeline(pipelines.data);
  const firstStage = pipeline?.stages[0];
  const closeDefault = defaultCloseDate(new Date().toISOString());
  const contact = contacts.data?.get(contactId);
  const company = companies.data?.get(presetCompany);
  const title = contact
    ? t('new.forContact', { name: contact.name })
    : company
      ? t('new.forContact', { name: company.name })
      : t('new.title');

  const submit = () => {
    const body: Record<string, unknown> = { name: value('name').trim() };
    if (pipeline) body.pipelineId = pipeline.id;
    if (value('stageId')) body.stageId = value('stageId');
    if (value('closeDate')) body.closeDate = value('closeDate');
    const currency = value('currency').trim().toUpperCase();
    if (currency) body.currency = currency;
    if (value('amount')) {
      const amount = parseMoney(value('amount'), currency || 'EUR');
      if (amount === undefined) {
        setErrors({ amount: t('error.invalid') });
        return;
      }
      body.amount = amount;
    }
    const contactChoice = value('contactId', contactId);
    if (contactChoice) body.contactId = contactChoice;
    const companyChoice = value('companyId', presetCompany);
    if (companyChoice) body.companyId = companyChoice;
    if (value('ownerId').trim()) body.ownerId = value('ownerId').trim();
    if (value('nextStep').trim()) body.nextStep = value('nextStep').trim();
    setErrors({});
    create.mutate(body as DealInput);
  };

  return (
    <div className="narrow-screen">
      <h1>{title}</h1>
      <p className="notice">
        {t('deal.defaults', {
          closeDate: formatDate(closeDefault, locale),
          stage: firstStage ? stageLabel(firstStage, locale) : '—',
        })}
      </p>
      {create.error && !(create.error instanceof ApiError && create.error.status === 422) && (
        <p className="error" role="alert">
          {errorMessage(create.error, t)}
        </p>
      )}
      {create.error instanceof ApiError && create.error.status === 422 && (
        <p className="error" role="alert">
          {t('error.invalid')}
        </p>
      )}
      <form
        className="form-grid panel"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Field label={t('deal.name')} error={errors.name}>
          {(props) => (
            <input {...props} required maxLength={200} value={value('name')} onChange={set('name')} />
          )}
        </Field>
        {pipelines.data.length > 1 && (
          <Field label={t('board.pipeline')} error={errors.pipelineId}>
            {(props) => (
              <select {...props} value={pipeline?.id ?? ''} onChange={set('pipelineId')}>
                {pipelines.data.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label={t('deal.stage')} error={errors.stageId}>
          {(props) => (
            <select {...props} value={value('stageId', firstStage?.id ?? '')} onChange={set('stageId')}>
              {pipeline?.stages
                .filter((s) => s.kind === 'open')
                .map((s) => (
                  <option key={s.id} value={s.id}>
                    {stageLabel(s, locale)} ({s.probability} %)
                  </option>
                ))}
            </select>
          )}
        </Field>
        <Field label={t('deal.closeDate')} error={errors.closeDate} hint={formatDate(closeDefault, locale)}>
          {(props) => (
            <input
              {...props}
              type="date"
              value={value('closeDate', closeDefault)}
              onChange={set('closeDate')}
            />
          )}
        </Field>
        <Field label={t('deal.amount')} error={errors.amount}>
          {(props) => (
            <input
              {...props}
              inputMode="decimal"
              value={value('amount')}
              onChange={set('amount')}
              placeholder="0"
            />
          )}
        </Field>
        <Field label={t('deal.currency')} error={errors.currency}>
          {(props) => (
            <input
              {...props}
              maxLength={3}
              value={value('currency')}
              onChange={set('currency')}
              placeholder="EUR"
            />
          )}
        </Field>
        <ClientFields
          contactId={value('contactId', contactId)}
          companyId={value('companyId', presetCompany)}
          onChange={(key, v) => setForm((f) => ({ ...f, [key]: v }))}
          errors={errors}
        />
        <Field label={t('deal.nextStep')} error={errors.nextStep}>
          {(props) => (
            <input {...props} maxLength={200} value={value('nextStep')} onChange={set('nextStep')} />
          )}
        </Field>
        {user.manager && (
          <Field label={t('deal.owner')} error={errors.ownerId}>
            {(props) => (
              <input {...props} value={value('ownerId')} placeholder={user.id} onChange={set('ownerId')} />
            )}
          </Field>
        )}
        <div className="actions span-all">
          <button type="submit" className="button button-primary" disabled={create.isPending}>
            {create.isPending ? t('common.saving') : t('new.submit')}
          </button>
        </div>
      </form>
    </div>
  );
}
