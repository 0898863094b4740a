import * as z from 'zod/mini';
import { Id, Name, StageId, Timestamp, withMeta } from './common.ts';
import { ReminderSettingsInput } from './follow-through.ts';

export const StageKind = z.enum(['open', 'won', 'lost']);

const Names = withMeta(z.strictObject({ en: z.optional(Name), fr: z.optional(Name) }), {
  description: 'the stage name per locale; `name` is used where a locale has none',
});

export const StageInput = z.strictObject({
  id: withMeta(z.optional(StageId), { description: 'kept when given; otherwise derived from the name' }),
  name: Name,
  names: z.optional(Names),
  probability: z.number().check(z.int(), z.gte(0), z.lte(100)),
  kind: StageKind,
});

export const Stage = z.object({
  id: StageId,
  name: Name,
  names: z.optional(Names),
  probability: z.number().check(z.int(), z.gte(0), z.lte(100)),
  kind: StageKind,
});

export const CustomFieldType = z.enum(['text', 'number', 'date', 'select']);

export const CustomFieldDefinition = z
  .strictObject({
    key: z
      .string()
      .check(z.regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, 'must start with a letter; letters, digits and _')),
    label: Name,
    type: CustomFieldType,
    options: z.optional(
      z
        .array(z.string().check(z.trim(), z.minLength(1), z.maxLength(100)))
        .check(z.minLength(1), z.maxLength(100)),
    ),
    required: z.optional(z.boolean()),
  })
  .check(
    z.refine((f) => (f.type === 'select') === (f.options !== undefined), {
      message: 'options are required for select fields and only for them',
      path: ['options'],
    }),
  );

const PipelineFields = {
  name: Name,
  stages: z.array(StageInput).check(z.minLength(2), z.maxLength(30)),
  customFields: z.optional(z.array(CustomFieldDefinition).check(z.maxLength(50))),
  onQuoteSent: withMeta(z.optional(StageId), { description: 'stage a deal moves to when a quote is sent' }),
  onQuoteSigned: withMeta(z.optional(StageId), { description: 'default: the first won stage' }),
  onQuoteDeclined: withMeta(z.optional(StageId), { description: 'default: the first lost stage' }),
  onQuoteExpired: z.optional(StageId),
  quoteTemplateId: withMeta(z.optional(z.string().check(z.maxLength(40))), {
    description: 'template for new quotes (default: classic)',
  }),
  followUpDays: withMeta(z.optional(z.number().check(z.int(), z.gte(0), z.lte(30))), {
    description: "working days until a new deal's follow-up task is due (default 2; 0: no task)",
  }),
  reminders: withMeta(z.optional(ReminderSettingsInput), {
    description: "quotes' automatic reminders (see README)",
  }),
  requireCode: withMeta(z.optional(z.boolean()), {
    description: 'quotes require a one-time code by email before signing (default false)',
  }),
};

export const PipelineInput = withMeta(z.strictObject(PipelineFields), { id: 'PipelineInput' });

export const Pipeline = withMeta(
  z.object({
    id: Id,
    name: Name,
    stages: z.array(Stage),
    customFields: z.array(CustomFieldDefinition),
    onQuoteSent: z.optional(StageId),
    onQuoteSigned: StageId,
    onQuoteDeclined: StageId,
    onQuoteExpired: z.optional(StageId),
    quoteTemplateId: z.optional(z.string()),
    followUpDays: z.optional(z.number().check(z.int())),
    reminders: z.optional(ReminderSettingsInput),
    requireCode: z.optional(z.boolean()),
    isDefault: z.boolean(),
    version: z.number().check(z.int()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  }),
  { id: 'Pipeline' },
);

export type StageInput = z.infer<typeof StageInput>;
export type Stage = z.infer<typeof Stage>;
export type CustomFieldDefinition = z.infer<typeof CustomFieldDefinition>;
export type PipelineInput = z.infer<typeof PipelineInput>;
export type Pipeline = z.infer<typeof Pipeline>;
