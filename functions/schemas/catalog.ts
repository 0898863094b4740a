import * as z from 'zod';
import { Currency, Email, Id, Locale, Money, Name, TaxRate, Text, Timestamp } from './common.ts';

const Source = z.string().trim().max(100);

const ContactFields = {
  name: Name,
  email: Email,
  phone: z.string().trim().max(40).optional(),
  companyId: Id.optional(),
  source: Source.optional(),
  locale: Locale.optional().meta({ description: 'language for quotes and emails sent to this contact' }),
};
export const ContactInput = z.strictObject(ContactFields).meta({ id: 'ContactInput' });
export const ContactPatch = z
  .strictObject({
    ...ContactFields,
    phone: ContactFields.phone.unwrap().nullable().optional(),
    companyId: Id.nullable().optional(),
    source: Source.nullable().optional(),
    locale: Locale.nullable().optional(),
  })
  .partial()
  .meta({ id: 'ContactPatch' });
export const Contact = z
  .object({ id: Id, ...ContactFields, createdAt: Timestamp, updatedAt: Timestamp })
  .meta({ id: 'Contact' });

const CompanyFields = {
  name: Name,
  email: Email.optional(),
  address: z.string().trim().max(1000).optional(),
  vatNumber: z.string().trim().max(40).optional(),
  source: Source.optional(),
};
export const CompanyInput = z.strictObject(CompanyFields).meta({ id: 'CompanyInput' });
export const CompanyPatch = z
  .strictObject({
    name: Name,
    email: Email.nullable(),
    address: CompanyFields.address.unwrap().nullable(),
    vatNumber: CompanyFields.vatNumber.unwrap().nullable(),
    source: Source.nullable(),
  })
  .partial()
  .meta({ id: 'CompanyPatch' });
export const Company = z
  .object({ id: Id, ...CompanyFields, createdAt: Timestamp, updatedAt: Timestamp })
  .meta({ id: 'Company' });

const ProductFields = {
  name: Name,
  description: Text.optional(),
  unitPrice: Money,
  currency: Currency,
  taxRate: TaxRate,
  sku: z.string().trim().max(64).optional(),
  active: z.boolean().default(true),
};
export const ProductInput = z.strictObject(ProductFields).meta({ id: 'ProductInput' });
export const ProductPatch = z
  .strictObject({
    name: Name,
    description: Text.nullable(),
    unitPrice: Money,
    currency: Currency,
    taxRate: TaxRate,
    sku: ProductFields.sku.unwrap().nullable(),
    active: z.boolean(),
  })
  .partial()
  .meta({ id: 'ProductPatch' });
export const Product = z
  .object({ id: Id, ...ProductFields, active: z.boolean(), createdAt: Timestamp, updatedAt: Timestamp })
  .meta({ id: 'Product' });

export type ContactInput = z.infer<typeof ContactInput>;
export type Contact = z.infer<typeof Contact>;
export type CompanyInput = z.infer<typeof CompanyInput>;
export type Company = z.infer<typeof Company>;
export type ProductInput = z.infer<typeof ProductInput>;
export type Product = z.infer<typeof Product>;
