import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';
import { Locale as LocaleSchema, withMeta } from '#schemas/common';
import { SellerSnapshot } from '#schemas/quotes';
import {
  LABEL_KEYS,
  type LabelKey,
  type Labels,
  LOCALES,
  type Locale,
  type LocalizedText,
  loadLabels,
} from './i18n.ts';
import type { LogoImageType, SellerIdentity, Template } from './templates.ts';

/**
 * Reading and checking the template folders (zod schemas of template.json and seller.json): what
 * `loadTemplates` does where templates/ has no registry file, and what builds that file when a
 * function is bundled. Bundles replace this module by a stub (infra/bundle-stubs/template-files):
 * they read the registry, checked at build time, and build none of these schemas at cold start.
 */

/** A template folder is broken (ops edited it badly). Thrown at load time with the file at fault. */
export class TemplateConfigError extends Error {}

const Hex = z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1f3a5f'));
const Localized = z.strictObject({
  en: z.string().check(z.minLength(1)),
  fr: z.string().check(z.minLength(1)),
});
const Margin = z.number().check(z.gte(18), z.lte(144));
const LabelOverrides = z.partialRecord(z.enum(LABEL_KEYS), z.string().check(z.minLength(1)));

const TemplateFile = z.strictObject({
  name: Localized,
  description: Localized,
  locales: z.array(LocaleSchema).check(z.minLength(1)),
  colors: z.strictObject({
    primary: withMeta(Hex, { description: 'headings, rules, bands' }),
    onPrimary: withMeta(Hex, { description: 'text drawn on the primary colour' }),
    accent: Hex,
    text: Hex,
    muted: Hex,
    rule: Hex,
    tint: withMeta(Hex, { description: 'zebra rows, cards' }),
  }),
  pdf: z.strictObject({
    size: z.enum(['A4', 'LETTER']),
    margins: z.strictObject({ top: Margin, right: Margin, bottom: Margin, left: Margin }),
    fontSize: z.number().check(z.gte(7), z.lte(12)),
    fonts: z.strictObject({
      regular: z.string().check(z.minLength(1)),
      bold: z.string().check(z.minLength(1)),
      heading: z.optional(z.string().check(z.minLength(1))),
    }),
    header: z.enum(['letterhead', 'band']),
    table: z.enum(['ruled', 'zebra']),
  }),
  logo: z.strictObject({
    size: withMeta(z.number().check(z.gte(16), z.lte(120)), {
      description: 'points in the PDF, CSS pixels on the page',
    }),
    shape: z.enum(['square', 'rounded', 'circle']),
  }),
  labels: z.optional(z.strictObject({ en: z.optional(LabelOverrides), fr: z.optional(LabelOverrides) })),
});

const SellerFile = z.catchall(
  z.extend(SellerSnapshot, {
    logo: z.optional(
      z.strictObject({
        monogram: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(3))),
        image: withMeta(z.optional(z.string().check(z.minLength(1))), {
          description: 'a PNG or JPEG file, relative to seller.json',
        }),
      }),
    ),
  }),
  z.never(),
);

export type TemplateColors = z.infer<typeof TemplateFile>['colors'];
export type TemplateLogoSettings = z.infer<typeof TemplateFile>['logo'];

const TEMPLATE_ID = /^[a-z0-9][a-z0-9_-]{0,39}$/;

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new TemplateConfigError(`${file}: ${(error as Error).message}`);
  }
}

function parseFile<T extends z.ZodMiniType>(schema: T, file: string): z.infer<T> {
  const result = schema.safeParse(readJson(file));
  if (!result.success) throw new TemplateConfigError(`${file}: ${z.prettifyError(result.error)}`);
  return result.data;
}

function readText(file: string): string {
  if (!existsSync(file)) throw new TemplateConfigError(`${file} is missing`);
  return readFileSync(file, 'utf8');
}

/** A path from a config file, kept inside the templates directory so a typo cannot read the disk at large. */
function insideRoot(root: string, from: string, relative: string): string {
  const resolved = path.resolve(from, relative);
  if (resolved !== root && !resolved.startsWith(root + path.sep)) {
    throw new TemplateConfigError(`${relative} points outside the templates directory`);
  }
  if (!existsSync(resolved)) throw new TemplateConfigError(`${resolved} is missing`);
  return resolved;
}

function imageType(bytes: Buffer, file: string): LogoImageType {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  throw new TemplateConfigError(`${file}: the logo must be a PNG or JPEG image`);
}

/** Initials of the first two words: "Atelier Closer SAS" → "AC". */
export function monogramOf(name: string): string {
  const words = name.split(/\s+/).filter((w) => /\p{L}|\p{N}/u.test(w));
  return words
    .slice(0, 2)
    .map((w) => [...w][0] ?? '')
    .join('')
    .toUpperCase();
}

function loadSeller(root: string, folder: string): SellerIdentity {
  const own = path.join(folder, 'seller.json');
  const file = existsSync(own) ? own : path.join(root, 'seller.json');
  const { logo, ...seller } = parseFile(SellerFile, file);
  if (seller.timeZone !== undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: seller.timeZone });
    } catch {
      throw new TemplateConfigError(`${file}: unknown time zone "${seller.timeZone}"`);
    }
  }
  if (logo?.image !== undefined) {
    const imageFile = insideRoot(root, path.dirname(file), logo.image);
    const bytes = readFileSync(imageFile);
    return {
      ...seller,
      logo: { kind: 'image', type: imageType(bytes, imageFile), base64: bytes.toString('base64') },
    };
  }
  return { ...seller, logo: { kind: 'monogram', text: logo?.monogram ?? monogramOf(seller.name) } };
}

function localizedFile(folder: string, stem: string, locales: readonly Locale[]): LocalizedText {
  const text = { en: '', fr: '' };
  for (const locale of locales) text[locale] = readText(path.join(folder, `${stem}.${locale}.txt`)).trim();
  return text;
}

function loadTemplate(root: string, id: string, shared: Record<Locale, Labels>): Template {
  const folder = path.join(root, id);
  const config = parseFile(TemplateFile, path.join(folder, 'template.json'));
  const missing = LOCALES.filter((locale) => !config.locales.includes(locale));
  if (missing.length > 0) {
    throw new TemplateConfigError(`${folder}: every template must support ${LOCALES.join(' and ')}`);
  }
  const html = readText(path.join(folder, 'quote.hbs'));
  // Every value in a quote comes from reps or customers: unescaped output is refused outright, so a
  // template added later cannot reintroduce it. Formatting that needs markup goes through helpers.
  if (/\{\{\{|\{\{~?\s*&/.test(html)) {
    throw new TemplateConfigError(
      `${folder}/quote.hbs: unescaped output ({{{...}}} or {{&...}}) is not allowed`,
    );
  }
  const css = readText(path.join(folder, 'style.css'));
  if (/<\/style/i.test(css)) throw new TemplateConfigError(`${folder}/style.css must not contain "</style"`);
  const labels = {} as Record<Locale, Labels>;
  for (const locale of LOCALES) {
    const overrides = (config.labels?.[locale] ?? {}) as Partial<Record<LabelKey, string>>;
    labels[locale] = { ...shared[locale], ...overrides };
  }
  const fonts = config.pdf.fonts;
  return {
    id,
    root,
    name: config.name,
    description: config.description,
    locales: config.locales,
    defaultIntro: localizedFile(folder, 'intro', config.locales),
    defaultTerms: localizedFile(folder, 'terms', config.locales),
    seller: loadSeller(root, folder),
    colors: config.colors,
    logo: config.logo,
    pdf: {
      ...config.pdf,
      fonts: {
        regular: insideRoot(root, root, fonts.regular),
        bold: insideRoot(root, root, fonts.bold),
        heading: insideRoot(root, root, fonts.heading ?? fonts.bold),
      },
    },
    labels,
    html,
    css,
  };
}

/** Every folder of the templates directory holding a `template.json`, read and checked. */
export function readTemplateFolders(dir: string): Map<string, Template> {
  const shared = { en: loadLabels(dir, 'en'), fr: loadLabels(dir, 'fr') };
  const ids = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && TEMPLATE_ID.test(entry.name))
    .map((entry) => entry.name)
    .filter((id) => existsSync(path.join(dir, id, 'template.json')))
    .sort();
  return new Map(ids.map((id) => [id, loadTemplate(dir, id, shared)]));
}
