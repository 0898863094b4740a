import * as z from 'zod';
import { Currency, Id, IsoDate, Money, StageId } from './common.ts';
import { StageKind } from './pipelines.ts';

export const Month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month such as 2026-05')
  .meta({ example: '2026-05' });

const Format = z
  .enum(['json', 'csv'])
  .optional()
  .meta({ description: 'csv: the same report as a spreadsheet-ready CSV file (UTF-8 with BOM)' });

const OwnerFilter = z
  .string()
  .min(1)
  .max(128)
  .optional()
  .meta({ description: "managers: one rep's numbers (default: everyone's); reps always see their own" });

export const PipelineReportQuery = z.strictObject({
  pipelineId: Id.optional().meta({ description: 'default: the default pipeline' }),
  ownerId: OwnerFilter,
  format: Format,
});

export const ForecastQuery = z.strictObject({
  from: Month.optional().meta({ description: 'first month (default: this month)' }),
  to: Month.optional().meta({ description: 'last month, included (default: 11 months after from)' }),
  period: z.enum(['month', 'quarter']).optional().meta({ description: 'default: month' }),
  ownerId: OwnerFilter,
  format: Format,
});

export const OwnersReportQuery = z.strictObject({
  from: Month.optional().meta({ description: 'first closing month (default: 11 months before to)' }),
  to: Month.optional().meta({ description: 'last closing month, included (default: this month)' }),
  format: Format,
});

export const LossReasonsQuery = z.strictObject({
  from: Month.optional().meta({ description: 'first closing month (default: 11 months before to)' }),
  to: Month.optional().meta({ description: 'last closing month, included (default: this month)' }),
  ownerId: OwnerFilter,
  format: Format,
});

export const MoneyTotal = z
  .object({
    currency: Currency,
    count: z.number().int(),
    amount: Money,
    weightedAmount: Money.meta({ description: 'Σ amount × probability of each deal' }),
  })
  .meta({ id: 'MoneyTotal' });

const tallyShape = {
  count: z.number().int(),
  totals: z
    .array(MoneyTotal)
    .meta({ description: 'one entry per currency: amounts are never summed across currencies' }),
};

/** A count and money per currency; a new schema per use, so each can carry its own description. */
function tally(description: string) {
  return z.object(tallyShape).meta({ description });
}

export const PipelineReport = z
  .object({
    pipelineId: Id,
    pipelineName: z.string(),
    ownerId: z.string().optional(),
    stages: z.array(
      z.object({
        stageId: StageId,
        name: z.string(),
        kind: StageKind,
        probability: z.number().int(),
        ...tallyShape,
      }),
    ),
    open: tally('every deal in an open stage'),
  })
  .meta({ id: 'PipelineReport' });

export const ForecastReport = z
  .object({
    period: z.enum(['month', 'quarter']),
    from: Month,
    to: Month,
    ownerId: z.string().optional(),
    periods: z.array(
      z.object({
        period: z.string().meta({ example: '2026-Q2' }),
        start: IsoDate,
        end: IsoDate,
        open: tally('open deals by expected close date'),
        won: tally('deals won in the period (by closing date)'),
        lost: tally('deals lost in the period (by closing date)'),
      }),
    ),
  })
  .meta({ id: 'ForecastReport' });

export const OwnersReport = z
  .object({
    from: Month,
    to: Month,
    owners: z.array(
      z.object({
        ownerId: z.string(),
        ownerName: z.string().optional(),
        won: tally('won in the range (by closing date)'),
        lost: tally('lost in the range (by closing date)'),
        open: tally('open now, whatever the close date: the pipeline and the weighted pipeline'),
        winRate: z
          .number()
          .min(0)
          .max(1)
          .nullable()
          .meta({ description: 'won / (won + lost) in the range; null when none closed' }),
      }),
    ),
  })
  .meta({ id: 'OwnersReport' });

export const LossReasonsReport = z
  .object({
    from: Month,
    to: Month,
    ownerId: z.string().optional(),
    reasons: z.array(z.object({ lossReason: z.string(), ...tallyShape })),
  })
  .meta({ id: 'LossReasonsReport' });

export type PipelineReportQuery = z.infer<typeof PipelineReportQuery>;
export type ForecastQuery = z.infer<typeof ForecastQuery>;
export type OwnersReportQuery = z.infer<typeof OwnersReportQuery>;
export type LossReasonsQuery = z.infer<typeof LossReasonsQuery>;
