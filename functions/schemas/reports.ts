import * as z from 'zod/mini';
import { Currency, Id, IsoDate, Money, StageId, withMeta } from './common.ts';
import { StageKind } from './pipelines.ts';

export const Month = withMeta(
  z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month such as 2026-05')),
  { example: '2026-05' },
);

const Format = withMeta(z.optional(z.enum(['json', 'csv'])), {
  description: 'csv: the same report as a spreadsheet-ready CSV file (UTF-8 with BOM)',
});

const OwnerFilter = withMeta(z.optional(z.string().check(z.minLength(1), z.maxLength(128))), {
  description: "managers: one rep's numbers (default: everyone's); reps always see their own",
});

export const PipelineReportQuery = z.strictObject({
  pipelineId: withMeta(z.optional(Id), { description: 'default: the default pipeline' }),
  ownerId: OwnerFilter,
  format: Format,
});

export const ForecastQuery = z.strictObject({
  from: withMeta(z.optional(Month), { description: 'first month (default: this month)' }),
  to: withMeta(z.optional(Month), { description: 'last month, included (default: 11 months after from)' }),
  period: withMeta(z.optional(z.enum(['month', 'quarter'])), { description: 'default: month' }),
  ownerId: OwnerFilter,
  format: Format,
});

export const OwnersReportQuery = z.strictObject({
  from: withMeta(z.optional(Month), { description: 'first closing month (default: 11 months before to)' }),
  to: withMeta(z.optional(Month), { description: 'last closing month, included (default: this month)' }),
  format: Format,
});

export const LossReasonsQuery = z.strictObject({
  from: withMeta(z.optional(Month), { description: 'first closing month (default: 11 months before to)' }),
  to: withMeta(z.optional(Month), { description: 'last closing month, included (default: this month)' }),
  ownerId: OwnerFilter,
  format: Format,
});

export const MoneyTotal = withMeta(
  z.object({
    currency: Currency,
    count: z.number().check(z.int()),
    amount: Money,
    weightedAmount: withMeta(Money, { description: 'Σ amount × probability of each deal' }),
  }),
  { id: 'MoneyTotal' },
);

const tallyShape = {
  count: z.number().check(z.int()),
  totals: withMeta(z.array(MoneyTotal), {
    description: 'one entry per currency: amounts are never summed across currencies',
  }),
};

/** A count and money per currency; a new schema per use, so each can carry its own description. */
function tally(description: string) {
  return withMeta(z.object(tallyShape), { description });
}

export const PipelineReport = withMeta(
  z.object({
    pipelineId: Id,
    pipelineName: z.string(),
    ownerId: z.optional(z.string()),
    stages: z.array(
      z.object({
        stageId: StageId,
        name: z.string(),
        kind: StageKind,
        probability: z.number().check(z.int()),
        ...tallyShape,
      }),
    ),
    open: tally('every deal in an open stage'),
  }),
  { id: 'PipelineReport' },
);

export const ForecastReport = withMeta(
  z.object({
    period: z.enum(['month', 'quarter']),
    from: Month,
    to: Month,
    ownerId: z.optional(z.string()),
    periods: z.array(
      z.object({
        period: withMeta(z.string(), { example: '2026-Q2' }),
        start: IsoDate,
        end: IsoDate,
        open: tally('open deals by expected close date'),
        won: tally('deals won in the period (by closing date)'),
        lost: tally('deals lost in the period (by closing date)'),
      }),
    ),
  }),
  { id: 'ForecastReport' },
);

export const OwnersReport = withMeta(
  z.object({
    from: Month,
    to: Month,
    owners: z.array(
      z.object({
        ownerId: z.string(),
        ownerName: z.optional(z.string()),
        won: tally('won in the range (by closing date)'),
        lost: tally('lost in the range (by closing date)'),
        open: tally('open now, whatever the close date: the pipeline and the weighted pipeline'),
        winRate: withMeta(z.nullable(z.number().check(z.gte(0), z.lte(1))), {
          description: 'won / (won + lost) in the range; null when none closed',
        }),
      }),
    ),
  }),
  { id: 'OwnersReport' },
);

export const LossReasonsReport = withMeta(
  z.object({
    from: Month,
    to: Month,
    ownerId: z.optional(z.string()),
    reasons: z.array(z.object({ lossReason: z.string(), ...tallyShape })),
  }),
  { id: 'LossReasonsReport' },
);

export type PipelineReportQuery = z.infer<typeof PipelineReportQuery>;
export type ForecastQuery = z.infer<typeof ForecastQuery>;
export type OwnersReportQuery = z.infer<typeof OwnersReportQuery>;
export type LossReasonsQuery = z.infer<typeof LossReasonsQuery>;
