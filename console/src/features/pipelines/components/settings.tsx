import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorState, errorMessage, Loading } from '../../../components/ui/states.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import { ApiError, api, type Pipeline, type Schemas, unwrap } from '../../../lib/api-client.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { defaultPipeline, keys, usePipelines } from '../../../lib/queries.ts';
import { useUser } from '../../../lib/use-session.ts';

type PipelineInput = Schemas['PipelineInput'];
type StageDraft = {
  key: string;
  id?: string;
  name: string;
  en: string;
  fr: string;
  probability: string;
  kind: 'open' | 'won' | 'lost';
};
type FieldDraft = {
  key: string;
  fieldKey: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'select';
  options: string;
  required: boolean;
};
const HOOKS = ['onQuoteSent', 'onQuoteSigned', 'onQuoteDeclined', 'onQuoteExpired'] as const;
let counter = 0;

function draftOf(p: Pipeline) {
  return {
    name: p.name,
    stages: p.stages.map<StageDraft>((s) => ({
      key: s.id,
      id: s.id,
      name: s.name,
      en: s.names?.en ?? '',
      fr: s.names?.fr ?? '',
      probability: String(s.probability),
      kind: s.kind,
    })),
    fields: p.customFields.map<FieldDraft>((f) => ({
      key: f.key,
      fieldKey: f.key,
      label: f.label,
      type: f.type,
      options: f.options?.join(', ') ?? '',
      required: f.required ?? false,
    })),
    hooks: Object.fromEntries(HOOKS.map((h) => [h, p[h] ?? ''])) as Record<(typeof HOOKS)[number], string>,
    followUpDays: String(p.followUpDays ?? 2),
    quoteTemplateId: p.quoteTemplateId ?? '',
  };
}
type Draft = ReturnType<typeof draftOf>;

function inputOf(d: Draft): PipelineInput {
  return {
    name: d.name.trim(),
    stages: d.stages.map((s) => {
      const names = {
        ...(s.en.trim() ? { en: s.en.trim() } : {}),
        ...(s.fr.trim() ? { fr: s.fr.trim() } : {}),
      };
      return {
        ...(s.id ? { id: s.id } : {}),
        name: s.name.trim() || s.en.trim() || s.fr.trim(),
        ...(Object.keys(names).length ? { names } : {}),
        probability: Number(s.probability),
        kind: s.kind,
      };
    }),
    customFields: d.fields.map((f) => ({
      key: f.fieldKey.trim(),
      label: f.label.trim(),
      type: f.type,
      ...(f.type === 'select'
        ? {
            options: f.options
              .split(',')
              .map((o) => o.trim())
              .filter(Boolean),
          }
        : {}),
      ...(f.required ? { required: true } : {}),
    })),
    ...Object.fromEntries(HOOKS.filter((h) => d.hooks[h]).map((h) => [h, d.hooks[h]])),
    followUpDays: Number(d.followUpDays),
    ...(d.quoteTemplateId ? { quoteTemplateId: d.quoteTemplateId } : {}),
  } as PipelineInput;
}

export function SettingsScreen() {
  const { t } = useI18n();
  const user = useUser();
  const pipelines = usePipelines();
  const [params, setParams] = useSearchParams();
  if (!user.manager) return <p className="notice">{t('settings.managersOnly')}</p>;
  if (pipelines.error) return <ErrorState error={pipelines.error} retry={() => void pipelines.refetch()} />;
  if (!pipelines.data) return <Loading />;
  const pipeline =
    pipelines.data.find((p) => p.id === params.get('pipeline')) ?? defaultPipeline(pipelines.data);
  if (!pipeline) return <Loading />;
  return (
    <div>
      <header className="page-head">
        <h1>{t('settings.title')}</h1>
        {pipelines.data.length > 1 && (
          <label className="inline-field">
            {t('board.pipeline')}
            <select value={pipeline.id} onChange={(e) => setParams({ pipeline: e.target.value })}>
              {pipelines.data.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </header>
      <PipelineEditor key={`${pipeline.id}-${pipeline.version}`} pipeline={pipeline} />
    </div>
  );
}

function PipelineEditor({ pipeline }: { pipeline: Pipeline }) {
  const { t, locale } = useI18n();
  const toast = useToast();
  const client = useQueryClient();
  const [draft, setDraft] = useState(() => draftOf(pipeline));
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const templates = useQuery({
    queryKey: keys.templates,
    queryFn: () => unwrap(api.GET('/templates')),
  });
  const setStage = (key: string, patch: Partial<StageDraft>) =>
    setDraft((d) => ({ ...d, stages: d.stages.map((s) => (s.key === key ? { ...s, ...patch } : s)) }));
  const setField = (key: string, patch: Partial<FieldDraft>) =>
    setDraft((d) => ({ ...d, fields: d.fields.map((f) => (f.key === key ? { ...f, ...patch } : f)) }));
  const moveStage = (i: number, by: number) =>
    setDraft((d) => {
      const stages = [...d.stages];
      const [stage] = stages.splice(i, 1);
      if (stage) stages.splice(i + by, 0, stage);
      return { ...d, stages };
    });
  const problems = failure instanceof ApiError ? failure.problems : [];
  const problemAt = (prefix: string) =>
    problems
      .filter((p) => p.path.replace(/^body\./, '').startsWith(prefix))
      .map((p) => p.message)
      .join('; ') || undefined;

  return (
    <form
      className="settings"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setFailure(undefined);
        try {
          await unwrap(
            api.PUT('/pipelines/{id}', { params: { path: { id: pipeline.id } }, body: inputOf(draft) }),
          );
          await client.invalidateQueries({ queryKey: keys.pipelines });
          toast(t('settings.saved'));
        } catch (error) {
          setFailure(error);
        } finally {
          setBusy(false);
        }
      }}
    >
      {failure !== undefined && (
        <p className="error" role="alert">
          {errorMessage(failure, t)}
          {problems.length > 0 && ` (${problems.map((p) => `${p.path}: ${p.message}`).join('; ')})`}
        </p>
      )}
      <section className="panel">
        <label className="inline-field">
          {t('settings.pipelineName')}
          <input
            value={draft.name}
            required
            onChange={(e) => setDraft((d) => ({ ...d, name: e.target.value }))}
          />
        </label>
      </section>
      <section className="panel" aria-labelledby="stages-title">
        <h2 id="stages-title">{t('settings.stages')}</h2>
        {/* Each field is labelled for screen readers; this row names the columns for the eye. */}
        <div className="settings-row settings-head" aria-hidden="true">
          <span className="row-number" />
          <span>{t('settings.stageName')}</span>
          <span>{t('settings.stageNameEn')}</span>
          <span>{t('settings.stageNameFr')}</span>
          <span className="input-small">{t('settings.probability')}</span>
          <span>{t('settings.kind')}</span>
        </div>
        <ol className="settings-rows">
          {draft.stages.map((s, i) => {
            const n = i + 1;
            const label = (text: string) => `${text} (${t('settings.stage', { n })})`;
            return (
              <li key={s.key} className="settings-row" data-stage={s.id ?? s.key}>
                <span className="row-number" aria-hidden="true">
                  {n}
                </span>
                <input
                  aria-label={label(t('settings.stageName'))}
                  value={s.name}
                  onChange={(e) => setStage(s.key, { name: e.target.value })}
                />
                <input
                  aria-label={label(t('settings.stageNameEn'))}
                  lang="en"
                  placeholder="EN"
                  value={s.en}
                  onChange={(e) => setStage(s.key, { en: e.target.value })}
                />
                <input
                  aria-label={label(t('settings.stageNameFr'))}
                  lang="fr"
                  placeholder="FR"
                  value={s.fr}
                  onChange={(e) => setStage(s.key, { fr: e.target.value })}
                />
                <input
                  aria-label={label(t('settings.probability'))}
                  type="number"
                  min={0}
                  max={100}
                  className="input-small"
                  value={s.probability}
                  onChange={(e) => setStage(s.key, { probability: e.target.value })}
                />
                <select
                  aria-label={label(t('settings.kind'))}
                  value={s.kind}
                  onChange={(e) => setStage(s.key, { kind: e.target.value as StageDraft['kind'] })}
                >
                  <option value="open">{t('settings.kind.open')}</option>
                  <option value="won">{t('settings.kind.won')}</option>
                  <option value="lost">{t('settings.kind.lost')}</option>
                </select>
                <span className="row-actions">
                  <button
                    type="button"
                    className="button button-small button-quiet"
                    disabled={i === 0}
                    aria-label={label(t('common.moveUp'))}
                    onClick={() => moveStage(i, -1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="button button-small button-quiet"
                    disabled={i === draft.stages.length - 1}
                    aria-label={label(t('common.moveDown'))}
                    onClick={() => moveStage(i, 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="button button-small button-quiet"
                    aria-label={label(t('common.remove'))}
                    onClick={() =>
                      setDraft((d) => ({ ...d, stages: d.stages.filter((x) => x.key !== s.key) }))
                    }
                  >
                    ×
                  </button>
                </span>
              </li>
            );
          })}
        </ol>
        {problemAt('stages') && <p className="error">{problemAt('stages')}</p>}
        <button
          type="button"
          className="button"
          onClick={() =>
            setDraft((d) => {
              const stage: StageDraft = {
                key: `new-${++counter}`,
                name: t('settings.newStage'),
                en: '',
                fr: '',
                probability: '50',
                kind: 'open',
              };
              // New stages go before the closed ones, where open stages belong.
              const at = d.stages.findIndex((s) => s.kind !== 'open');
              const stages = [...d.stages];
              stages.splice(at === -1 ? stages.length : at, 0, stage);
              return { ...d, stages };
            })
          }
        >
          {t('settings.addStage')}
        </button>
      </section>
      <section className="panel" aria-labelledby="fields-title">
        <h2 id="fields-title">{t('settings.customFields')}</h2>
        <ol className="settings-rows">
          {draft.fields.map((f, i) => {
            const label = (text: string) => `${text} (${t('settings.field', { n: i + 1 })})`;
            return (
              <li key={f.key} className="settings-row">
                <input
                  aria-label={label(t('settings.fieldKey'))}
                  value={f.fieldKey}
                  onChange={(e) => setField(f.key, { fieldKey: e.target.value })}
                />
                <input
                  aria-label={label(t('settings.fieldLabel'))}
                  value={f.label}
                  onChange={(e) => setField(f.key, { label: e.target.value })}
                />
                <select
                  aria-label={label(t('settings.fieldType'))}
                  value={f.type}
                  onChange={(e) => setField(f.key, { type: e.target.value as FieldDraft['type'] })}
                >
                  <option value="text">text</option>
                  <option value="number">number</option>
                  <option value="date">date</option>
                  <option value="select">select</option>
                </select>
                {f.type === 'select' && (
                  <input
                    aria-label={label(t('settings.fieldOptions'))}
                    value={f.options}
                    onChange={(e) => setField(f.key, { options: e.target.value })}
                  />
                )}
                <label className="check">
                  <input
                    type="checkbox"
                    checked={f.required}
                    onChange={(e) => setField(f.key, { required: e.target.checked })}
                  />
                  {t('settings.fieldRequired')}
                </label>
                <button
                  type="button"
                  className="button button-small button-quiet"
                  aria-label={label(t('common.remove'))}
                  onClick={() => setDraft((d) => ({ ...d, fields: d.fields.filter((x) => x.key !== f.key) }))}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ol>
        <button
          type="button"
          className="button"
          onClick={() =>
            setDraft((d) => ({
              ...d,
              fields: [
                ...d.fields,
                {
                  key: `f-${++counter}`,
                  fieldKey: '',
                  label: '',
                  type: 'text',
                  options: '',
                  required: false,
                },
              ],
            }))
          }
        >
          {t('settings.addField')}
        </button>
      </section>
      <section className="panel form-grid" aria-labelledby="hooks-title">
        <h2 id="hooks-title" className="span-all">
          {t('settings.hooks')}
        </h2>
        {HOOKS.map((hook) => (
          <label key={hook} className="field">
            {t(`settings.${hook}`)}
            <select
              value={draft.hooks[hook]}
              onChange={(e) => setDraft((d) => ({ ...d, hooks: { ...d.hooks, [hook]: e.target.value } }))}
            >
              <option value="">{t('settings.noMove')}</option>
              {draft.stages
                .filter((s) => s.id)
                .map((s) => (
                  <option key={s.key} value={s.id}>
                    {(locale === 'fr' ? s.fr : s.en) || s.name}
                  </option>
                ))}
            </select>
          </label>
        ))}
        <label className="field">
          {t('settings.followUpDays')}
          <input
            type="number"
            min={0}
            max={30}
            value={draft.followUpDays}
            onChange={(e) => setDraft((d) => ({ ...d, followUpDays: e.target.value }))}
          />
        </label>
        <label className="field">
          {t('settings.template')}
          <select
            value={draft.quoteTemplateId}
            onChange={(e) => setDraft((d) => ({ ...d, quoteTemplateId: e.target.value }))}
          >
            <option value="">classic</option>
            {templates.data?.items.map((tpl) => (
              <option key={tpl.id} value={tpl.id}>
                {tpl.name[locale]}
              </option>
            ))}
          </select>
        </label>
      </section>
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t('common.saving') : t('common.save')}
        </button>
      </div>
    </form>
  );
}
