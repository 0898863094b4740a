import type { Pipeline, PipelineInput, Stage, StageInput } from '#schemas/pipelines';
import { ValidationError } from './errors.ts';

/** Working days until the follow-up task of a new deal is due, unless its pipeline says otherwise. */
export const DEFAULT_FOLLOW_UP_DAYS = 2;

/** The default pipeline of the brief, with names in English and French. */
export function defaultPipelineInput(): PipelineInput {
  const stage = (
    id: string,
    en: string,
    fr: string,
    probability: number,
    kind: Stage['kind'],
  ): StageInput => ({
    id,
    name: en,
    names: { en, fr },
    probability,
    kind,
  });
  return {
    name: 'Sales pipeline',
    stages: [
      stage('appointment-scheduled', 'Appointment scheduled', 'Rendez-vous planifié', 20, 'open'),
      stage('qualified-to-buy', 'Qualified to buy', "Qualifié pour l'achat", 40, 'open'),
      stage('presentation-scheduled', 'Presentation scheduled', 'Présentation planifiée', 60, 'open'),
      stage('decision-maker-bought-in', 'Decision maker bought-in', 'Décideur convaincu', 80, 'open'),
      stage('contract-sent', 'Contract sent', 'Contrat envoyé', 90, 'open'),
      stage('closed-won', 'Closed won', 'Conclu gagné', 100, 'won'),
      stage('closed-lost', 'Closed lost', 'Conclu perdu', 0, 'lost'),
    ],
    onQuoteSent: 'contract-sent',
    onQuoteSigned: 'closed-won',
    onQuoteDeclined: 'closed-lost',
  };
}

/** A stage id from its name: lower-case ASCII slug ("Qualifié" → "qualifie"). */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 36);
}

function assignStageIds(stages: StageInput[]): Stage[] {
  const taken = new Set(stages.flatMap((s) => (s.id ? [s.id] : [])));
  if (taken.size !== stages.filter((s) => s.id).length) {
    throw new ValidationError('stage ids must be unique', [
      { path: 'body.stages', message: 'duplicate stage id' },
    ]);
  }
  return stages.map((s, i) => {
    if (s.id) return { ...s, id: s.id };
    const base = slugify(s.name) || `stage-${i + 1}`;
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.add(id);
    return { ...s, id };
  });
}

/**
 * Validates and completes a pipeline definition: ids for new stages, at least one open, won and
 * lost stage, quote hooks pointing at stages of this pipeline (signed → won and declined → lost by
 * default), custom field keys unique.
 */
export function buildPipelineDefinition(input: PipelineInput) {
  const stages = assignStageIds(input.stages);
  const problems: { path: string; message: string }[] = [];
  for (const kind of ['open', 'won', 'lost'] as const) {
    if (!stages.some((s) => s.kind === kind)) {
      problems.push({ path: 'body.stages', message: `a pipeline needs at least one ${kind} stage` });
    }
  }
  const ids = new Set(stages.map((s) => s.id));
  const firstOf = (kind: Stage['kind']) => stages.find((s) => s.kind === kind)?.id;
  const hooks = {
    onQuoteSent: input.onQuoteSent,
    onQuoteSigned: input.onQuoteSigned ?? firstOf('won'),
    onQuoteDeclined: input.onQuoteDeclined ?? firstOf('lost'),
    onQuoteExpired: input.onQuoteExpired,
  };
  for (const [hook, stageId] of Object.entries(hooks)) {
    if (stageId !== undefined && !ids.has(stageId)) {
      problems.push({ path: `body.${hook}`, message: `unknown stage id "${stageId}"` });
    }
  }
  const customFields = input.customFields ?? [];
  const keys = new Set<string>();
  for (const [i, f] of customFields.entries()) {
    if (keys.has(f.key))
      problems.push({ path: `body.customFields.${i}.key`, message: `duplicate key "${f.key}"` });
    keys.add(f.key);
  }
  if (problems.length > 0) throw new ValidationError('invalid pipeline', problems);
  return {
    name: input.name,
    stages,
    customFields,
    ...(hooks.onQuoteSent ? { onQuoteSent: hooks.onQuoteSent } : {}),
    onQuoteSigned: hooks.onQuoteSigned as string,
    onQuoteDeclined: hooks.onQuoteDeclined as string,
    ...(hooks.onQuoteExpired ? { onQuoteExpired: hooks.onQuoteExpired } : {}),
    ...(input.quoteTemplateId ? { quoteTemplateId: input.quoteTemplateId } : {}),
    followUpDays: input.followUpDays ?? DEFAULT_FOLLOW_UP_DAYS,
    ...(input.reminders ? { reminders: input.reminders } : {}),
    ...(input.requireCode !== undefined ? { requireCode: input.requireCode } : {}),
  };
}

export function findStage(pipeline: Pick<Pipeline, 'stages'>, stageId: string): Stage | undefined {
  return pipeline.stages.find((s) => s.id === stageId);
}

export function stageName(stage: Stage, locale: 'en' | 'fr'): string {
  return stage.names?.[locale] ?? stage.name;
}
