import * as z from 'zod';
import { Id, Name, StageId, Timestamp } from './common.ts';
import { ReminderSettingsInput } from './follow-through.ts';

export const StageKind = z.enum(['open', 'won', 'lost']);

const Names = z
  .strictObject({ en: Name.optional(), fr: Name.optional() })
  .meta({ description: 'the stage name per locale; `name` is used where a locale has none' });

export const StageInput = z.strictObject({
  id: StageId.optional().meta({ description: 'kept when given; otherwise derived from the name' }),
  name: Name,
  names: Names.optional(),
  probability: z.number().int().min(0).max(100),
  kind: StageKind,
});

export const Stage = z.object({
  id: StageId,
  name: Name,
  names: Names.optional(),
  probability: z.number().int().min(0).max(100),
  kind: StageKind,
});

export const CustomFieldType = z.enum(['text', 'number', 'date', 'select']);

export const CustomFieldDefinition = z
  .strictObject({
    key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, 'must start with a letter; letters, digits and _'),
    label: Name,
    type: CustomFieldType,
    options: z.array(z.string().trim().min(1).max(100)).min(1).max(100).optional(),
    required: z.boolean().optional(),
  })
  .refine((f) => (f.type === 'select') === (f.options !== undefined), {
    message: 'options are required for select fields and only for them',
    path: ['options'],
  });

const PipelineFields = {
  name: Name,
  stages: z.array(StageInput).min(2).max(30),
  customFields: z.array(CustomFieldDefinition).max(50).optional(),
  onQuoteSent: StageId.optional().meta({ description: 'stage a deal moves to when a quote is sent' }),
  onQuoteSigned: StageId.optional().meta({ description: 'default: the first won stage' }),
  onQuoteDeclined: StageId.optional().meta({ description: 'default: the first lost stage' }),
  onQuoteExpired: StageId.optional(),
  quoteTemplateId: z
    .string()
    .max(40)
    .optional()
    .meta({ description: 'template for new quotes (default: classic)' }),
  followUpDays: z
    .number()
    .int()
    .min(0)
    .max(30)
    .optional()
    .meta({ description: "working days until a new deal's follow-up task is due (default 2; 0: no task)" }),
  reminders: z
    .optional(ReminderSettingsInput)
    .meta({ description: "quotes' automatic reminders (see README)" }),
  requireCode: z
    .optional(z.boolean())
    .meta({ description: 'quotes require a one-time code by email before signing (default false)' }),
};

export const PipelineInput = z.strictObject(PipelineFields).meta({ id: 'PipelineInput' });

export const Pipeline = z
  .object({
    id: Id,
    name: Name,
    stages: z.array(Stage),
    customFields: z.array(CustomFieldDefinition),
    onQuoteSent: StageId.optional(),
    onQuoteSigned: StageId,
    onQuoteDeclined: StageId,
    onQuoteExpired: StageId.optional(),
    quoteTemplateId: z.string().optional(),
    followUpDays: z.number().int().optional(),
    reminders: z.optional(ReminderSettingsInput),
    requireCode: z.optional(z.boolean()),
    isDefault: z.boolean(),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Pipeline' });

export type StageInput = z.infer<typeof StageInput>;
export type Stage = z.infer<typeof Stage>;
export type CustomFieldDefinition = z.infer<typeof CustomFieldDefinition>;
export type PipelineInput = z.infer<typeof PipelineInput>;
export type Pipeline = z.infer<typeof Pipeline>;
