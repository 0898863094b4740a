import * as z from 'zod/mini';
import { Currency, Email, Id, Locale, Money, Name, TaxRate, Text, Timestamp, withMeta } from './common.ts';

const Source = z.string().check(z.trim(), z.maxLength(100));
const Phone = z.string().check(z.trim(), z.maxLength(40));

const ContactFields = {
  name: Name,
  email: Email,
  phone: z.optional(Phone),
  companyId: z.optional(Id),
  source: z.optional(Source),
  locale: withMeta(z.optional(Locale), {
    description: 'language for quotes and emails sent to this contact',
  }),
};
export const ContactInput = withMeta(z.strictObject(ContactFields), { id: 'ContactInput' });
export const ContactPatch = withMeta(
  z.partial(
    z.strictObject({
      ...ContactFields,
      phone: z.optional(z.nullable(Phone)),
      companyId: z.optional(z.nullable(Id)),
      source: z.optional(z.nullable(Source)),
      locale: z.optional(z.nullable(Locale)),
    }),
  ),
  { id: 'ContactPatch' },
);
export const Contact = withMeta(
  z.object({ id: Id, ...ContactFields, createdAt: Timestamp, updatedAt: Timestamp }),
  { id: 'Contact' },
);

const Address = z.string().check(z.trim(), z.maxLength(1000));
const VatNumber = z.string().check(z.trim(), z.maxLength(40));

const CompanyFields = {
  name: Name,
  email: z.optional(Email),
  address: z.optional(Address),
  vatNumber: z.optional(VatNumber),
  source: z.optional(Source),
};
export const CompanyInput = withMeta(z.strictObject(CompanyFields), { id: 'CompanyInput' });
export const CompanyPatch = withMeta(
  z.partial(
    z.strictObject({
      name: Name,
      email: z.nullable(Email),
      address: z.nullable(Address),
      vatNumber: z.nullable(VatNumber),
      source: z.nullable(Source),
    }),
  ),
  { id: 'CompanyPatch' },
);
export const Company = withMeta(
  z.object({ id: Id, ...CompanyFields, createdAt: Timestamp, updatedAt: Timestamp }),
  { id: 'Company' },
);

const Sku = z.string().check(z.trim(), z.maxLength(64));

const ProductFields = {
  name: Name,
  description: z.optional(Text),
  unitPrice: Money,
  currency: Currency,
  taxRate: TaxRate,
  sku: z.optional(Sku),
  active: z._default(z.boolean(), true),
};
export const ProductInput = withMeta(z.strictObject(ProductFields), { id: 'ProductInput' });
export const ProductPatch = withMeta(
  z.partial(
    z.strictObject({
      name: Name,
      description: z.nullable(Text),
      unitPrice: Money,
      currency: Currency,
      taxRate: TaxRate,
      sku: z.nullable(Sku),
      active: z.boolean(),
    }),
  ),
  { id: 'ProductPatch' },
);
export const Product = withMeta(
  z.object({ id: Id, ...ProductFields, active: z.boolean(), createdAt: Timestamp, updatedAt: Timestamp }),
  { id: 'Product' },
);

export type ContactInput = z.infer<typeof ContactInput>;
export type Contact = z.infer<typeof Contact>;
export type CompanyInput = z.infer<typeof CompanyInput>;
export type Company = z.infer<typeof Company>;
export type ProductInput = z.infer<typeof ProductInput>;
export type Product = z.infer<typeof Product>;
