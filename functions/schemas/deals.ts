import * as z from 'zod';
import {
  Currency,
  Cursor,
  Id,
  IsoDate,
  Limit,
  Money,
  Name,
  Percent,
  StageId,
  TaxRate,
  Text,
  Timestamp,
} from './common.ts';

export const DealStatus = z.enum(['open', 'won', 'lost']);
export const Forecast = z.enum(['pipeline', 'best_case', 'commit', 'omitted']);

const Quantity = z
  .number()
  .gt(0, 'must be greater than 0')
  .max(1_000_000)
  .refine((v) => Number.isInteger(Math.round(v * 1000 * 1e6) / 1e6), 'at most three decimals');

export const LineInput = z
  .strictObject({
    id: Id.optional().meta({ description: 'kept when given (editing a line); generated otherwise' }),
    productId: Id.optional().meta({
      description: 'name, description, unit price and tax rate default from it',
    }),
    name: Name.optional(),
    description: Text.optional(),
    quantity: Quantity,
    unitPrice: Money.optional(),
    discountPercent: Percent.optional(),
    taxRate: TaxRate.optional(),
  })
  .meta({ id: 'LineInput' });

export const Line = z
  .object({
    id: Id,
    productId: Id.optional(),
    name: Name,
    description: Text.optional(),
    quantity: z.number(),
    unitPrice: Money,
    discountPercent: z.number(),
    taxRate: z.number(),
  })
  .meta({ id: 'Line' });

export const CustomValue = z.union([z.string().max(1000), z.number(), z.null()]);
export const CustomValues = z.record(z.string().max(40), CustomValue);

const ShortText = z.string().trim().max(200);

const DealFields = {
  name: Name,
  ownerId: z.string().min(1).max(128).meta({ description: "the owner's user id (JWT `sub`)" }),
  observerIds: z.array(z.string().min(1).max(128)).max(20),
  contactId: Id,
  companyId: Id,
  currency: Currency,
  amount: Money.meta({ description: 'only when the deal has no lines; computed from lines otherwise' }),
  probability: z.number().int().min(0).max(100),
  closeDate: IsoDate,
  source: ShortText,
  competitor: ShortText,
  nextStep: ShortText,
  forecast: Forecast,
  lossReason: ShortText,
  winLossNote: Text,
  description: Text,
  customFields: CustomValues,
  discountPercent: Percent,
};

export const DealInput = z
  .strictObject({
    ...z.object(DealFields).partial().shape,
    name: Name,
    pipelineId: Id.optional(),
    stageId: StageId.optional(),
    lines: z.array(LineInput).max(500).optional(),
  })
  .meta({ id: 'DealInput' });

export const DealPatch = z
  .strictObject({
    name: Name,
    ownerId: DealFields.ownerId,
    observerIds: DealFields.observerIds,
    contactId: Id.nullable(),
    companyId: Id.nullable(),
    currency: Currency,
    amount: Money,
    probability: DealFields.probability,
    closeDate: IsoDate,
    source: ShortText.nullable(),
    competitor: ShortText.nullable(),
    nextStep: ShortText.nullable(),
    forecast: Forecast.nullable(),
    lossReason: ShortText.nullable(),
    winLossNote: Text.nullable(),
    description: Text.nullable(),
    customFields: CustomValues.meta({ description: 'merged key by key; null removes a value' }),
    discountPercent: Percent,
  })
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change')
  .meta({ id: 'DealPatch' });

export const StageMove = z
  .strictObject({
    stageId: StageId,
    lossReason: ShortText.min(1).optional().meta({ description: 'required when the stage is lost' }),
  })
  .meta({ id: 'StageMove' });

export const LinesInput = z.array(LineInput).max(500).meta({ id: 'LinesInput' });

export const CommentInput = z
  .strictObject({ text: z.string().trim().min(1).max(5000) })
  .meta({ id: 'CommentInput' });

export const Deal = z
  .object({
    id: Id,
    name: Name,
    pipelineId: Id,
    stageId: StageId,
    status: DealStatus,
    amount: Money,
    currency: Currency,
    probability: z.number().int(),
    weightedAmount: Money,
    closeDate: IsoDate,
    ownerId: z.string(),
    observerIds: z.array(z.string()),
    contactId: Id.optional(),
    companyId: Id.optional(),
    source: z.string().optional(),
    competitor: z.string().optional(),
    nextStep: z.string().optional(),
    forecast: Forecast.optional(),
    lossReason: z.string().optional(),
    winLossNote: z.string().optional(),
    description: z.string().optional(),
    customFields: z.record(z.string(), z.union([z.string(), z.number()])),
    repeat: z.boolean(),
    lines: z.array(Line),
    discountPercent: z.number(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    closedAt: Timestamp.optional(),
    version: z.number().int(),
  })
  .meta({ id: 'Deal' });

const AmountQuery = z.coerce.number().int().min(0).max(10_000_000_000_000);

export const DealListQuery = z
  .strictObject({
    ownerId: z.string().min(1).max(128).optional(),
    pipelineId: Id.optional(),
    stageId: StageId.optional(),
    status: DealStatus.optional(),
    closeFrom: IsoDate.optional(),
    closeTo: IsoDate.optional(),
    minAmount: AmountQuery.optional(),
    maxAmount: AmountQuery.optional(),
    contactId: Id.optional().meta({ description: "the contact's deals" }),
    companyId: Id.optional().meta({ description: "the company's deals" }),
    q: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .meta({ description: 'text in the name, source, competitor or next step' }),
    cursor: Cursor.optional(),
    limit: Limit.optional(),
  })
  .refine((q) => q.stageId === undefined || q.pipelineId !== undefined, {
    message: 'stageId needs pipelineId',
    path: ['stageId'],
  });

export const EventActor = z.object({
  type: z.enum(['user', 'customer', 'system']),
  id: z.string().optional(),
  name: z.string().optional(),
});

export const DealEvent = z
  .object({
    id: Id,
    dealId: Id,
    at: Timestamp,
    actor: EventActor,
    type: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Event' });

export type DealInput = z.infer<typeof DealInput>;
export type DealPatch = z.infer<typeof DealPatch>;
export type LineInput = z.infer<typeof LineInput>;
export type Line = z.infer<typeof Line>;
export type Deal = z.infer<typeof Deal>;
export type DealListQuery = z.infer<typeof DealListQuery>;
export type DealEvent = z.infer<typeof DealEvent>;
export type EventActor = z.infer<typeof EventActor>;
export type StageMove = z.infer<typeof StageMove>;
