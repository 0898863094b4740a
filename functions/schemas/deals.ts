import * as z from 'zod/mini';
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
  withMeta,
} from './common.ts';

export const DealStatus = z.enum(['open', 'won', 'lost']);
export const Forecast = z.enum(['pipeline', 'best_case', 'commit', 'omitted']);

const Quantity = z.number().check(
  z.gt(0, 'must be greater than 0'),
  z.lte(1_000_000),
  z.refine((v) => Number.isInteger(Math.round(v * 1000 * 1e6) / 1e6), 'at most three decimals'),
);

export const LineInput = withMeta(
  z.strictObject({
    id: withMeta(z.optional(Id), { description: 'kept when given (editing a line); generated otherwise' }),
    productId: withMeta(z.optional(Id), {
      description: 'name, description, unit price and tax rate default from it',
    }),
    name: z.optional(Name),
    description: z.optional(Text),
    quantity: Quantity,
    unitPrice: z.optional(Money),
    discountPercent: z.optional(Percent),
    taxRate: z.optional(TaxRate),
  }),
  { id: 'LineInput' },
);

export const Line = withMeta(
  z.object({
    id: Id,
    productId: z.optional(Id),
    name: Name,
    description: z.optional(Text),
    quantity: z.number(),
    unitPrice: Money,
    discountPercent: z.number(),
    taxRate: z.number(),
  }),
  { id: 'Line' },
);

export const CustomValue = z.union([z.string().check(z.maxLength(1000)), z.number(), z.null()]);
export const CustomValues = z.record(z.string().check(z.maxLength(40)), CustomValue);

const ShortText = z.string().check(z.trim(), z.maxLength(200));

const DealFields = {
  name: Name,
  ownerId: withMeta(z.string().check(z.minLength(1), z.maxLength(128)), {
    description: "the owner's user id (JWT `sub`)",
  }),
  observerIds: z.array(z.string().check(z.minLength(1), z.maxLength(128))).check(z.maxLength(20)),
  contactId: Id,
  companyId: Id,
  currency: Currency,
  amount: withMeta(Money, { description: 'only when the deal has no lines; computed from lines otherwise' }),
  probability: z.number().check(z.int(), z.gte(0), z.lte(100)),
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

export const DealInput = withMeta(
  z.strictObject({
    ...z.partial(z.object(DealFields)).shape,
    name: Name,
    pipelineId: z.optional(Id),
    stageId: z.optional(StageId),
    lines: z.optional(z.array(LineInput).check(z.maxLength(500))),
  }),
  { id: 'DealInput' },
);

export const DealPatch = withMeta(
  z
    .partial(
      z.strictObject({
        name: Name,
        ownerId: DealFields.ownerId,
        observerIds: DealFields.observerIds,
        contactId: z.nullable(Id),
        companyId: z.nullable(Id),
        currency: Currency,
        amount: Money,
        probability: DealFields.probability,
        closeDate: IsoDate,
        source: z.nullable(ShortText),
        competitor: z.nullable(ShortText),
        nextStep: z.nullable(ShortText),
        forecast: z.nullable(Forecast),
        lossReason: z.nullable(ShortText),
        winLossNote: z.nullable(Text),
        description: z.nullable(Text),
        customFields: withMeta(CustomValues, { description: 'merged key by key; null removes a value' }),
        discountPercent: Percent,
      }),
    )
    .check(z.refine((p) => Object.keys(p).length > 0, 'nothing to change')),
  { id: 'DealPatch' },
);

export const StageMove = withMeta(
  z.strictObject({
    stageId: StageId,
    lossReason: withMeta(z.optional(ShortText.check(z.minLength(1))), {
      description: 'required when the stage is lost',
    }),
  }),
  { id: 'StageMove' },
);

export const LinesInput = withMeta(z.array(LineInput).check(z.maxLength(500)), { id: 'LinesInput' });

export const CommentInput = withMeta(
  z.strictObject({ text: z.string().check(z.trim(), z.minLength(1), z.maxLength(5000)) }),
  { id: 'CommentInput' },
);

export const Deal = withMeta(
  z.object({
    id: Id,
    name: Name,
    pipelineId: Id,
    stageId: StageId,
    status: DealStatus,
    amount: Money,
    currency: Currency,
    probability: z.number().check(z.int()),
    weightedAmount: Money,
    closeDate: IsoDate,
    ownerId: z.string(),
    observerIds: z.array(z.string()),
    contactId: z.optional(Id),
    companyId: z.optional(Id),
    source: z.optional(z.string()),
    competitor: z.optional(z.string()),
    nextStep: z.optional(z.string()),
    forecast: z.optional(Forecast),
    lossReason: z.optional(z.string()),
    winLossNote: z.optional(z.string()),
    description: z.optional(z.string()),
    customFields: z.record(z.string(), z.union([z.string(), z.number()])),
    repeat: z.boolean(),
    lines: z.array(Line),
    discountPercent: z.number(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    closedAt: z.optional(Timestamp),
    version: z.number().check(z.int()),
  }),
  { id: 'Deal' },
);

const AmountQuery = z.coerce.number().check(z.int(), z.gte(0), z.lte(10_000_000_000_000));

export const DealListQuery = z
  .strictObject({
    ownerId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    pipelineId: z.optional(Id),
    stageId: z.optional(StageId),
    status: z.optional(DealStatus),
    closeFrom: z.optional(IsoDate),
    closeTo: z.optional(IsoDate),
    minAmount: z.optional(AmountQuery),
    maxAmount: z.optional(AmountQuery),
    contactId: withMeta(z.optional(Id), { description: "the contact's deals" }),
    companyId: withMeta(z.optional(Id), { description: "the company's deals" }),
    q: withMeta(z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))), {
      description: 'text in the name, source, competitor or next step',
    }),
    cursor: z.optional(Cursor),
    limit: z.optional(Limit),
  })
  .check(
    z.refine((q) => q.stageId === undefined || q.pipelineId !== undefined, {
      message: 'stageId needs pipelineId',
      path: ['stageId'],
    }),
  );

export const EventActor = z.object({
  type: z.enum(['user', 'customer', 'system']),
  id: z.optional(z.string()),
  name: z.optional(z.string()),
});

export const DealEvent = withMeta(
  z.object({
    id: Id,
    dealId: Id,
    at: Timestamp,
    actor: EventActor,
    type: z.string(),
    data: z.record(z.string(), z.unknown()),
  }),
  { id: 'Event' },
);

export type DealInput = z.infer<typeof DealInput>;
export type DealPatch = z.infer<typeof DealPatch>;
export type LineInput = z.infer<typeof LineInput>;
export type Line = z.infer<typeof Line>;
export type Deal = z.infer<typeof Deal>;
export type DealListQuery = z.infer<typeof DealListQuery>;
export type DealEvent = z.infer<typeof DealEvent>;
export type EventActor = z.infer<typeof EventActor>;
export type StageMove = z.infer<typeof StageMove>;
