import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ValidationError } from '#domain/errors';
import { readTemplateFolders, type TemplateColors, type TemplateLogoSettings } from '#render/template-files';
import type { SellerSnapshot, TemplateSummary } from '#schemas/quotes';
import type { Labels, Locale, LocalizedText } from './i18n.ts';
import { templatesDir } from './paths.ts';

/** The id is not one of the template folders: a client error (422), not a crash. */
export class UnknownTemplateError extends ValidationError {
  constructor(templateId: string, known: readonly string[]) {
    super(`unknown template "${templateId}"`, { templateId, known: [...known] });
  }
}

export type LogoImageType = 'image/png' | 'image/jpeg';
export type Logo =
  | { kind: 'monogram'; text: string }
  | { kind: 'image'; type: LogoImageType; base64: string };

/** The seller identity ops maintain in `seller.json`: the printable snapshot plus the logo. */
export type SellerIdentity = SellerSnapshot & { logo: Logo };

export type { TemplateColors, TemplateLogoSettings };
export interface PdfLayout {
  size: 'A4' | 'LETTER';
  margins: { top: number; right: number; bottom: number; left: number };
  fontSize: number;
  /** Absolute paths: the renderer reads each file once per process. */
  fonts: { regular: string; bold: string; heading: string };
  header: 'letterhead' | 'band';
  table: 'ruled' | 'zebra';
}

export interface Template {
  id: string;
  /** The templates directory this template was loaded from (not the template's own folder). */
  root: string;
  name: LocalizedText;
  description: LocalizedText;
  locales: Locale[];
  defaultIntro: LocalizedText;
  defaultTerms: LocalizedText;
  seller: SellerIdentity;
  colors: TemplateColors;
  logo: TemplateLogoSettings;
  pdf: PdfLayout;
  labels: Record<Locale, Labels>;
  /** Handlebars source of the quote body (`quote.hbs`). */
  html: string;
  css: string;
}

/**
 * The file a bundle's templates/ carries: every template as `loadTemplates` gave it when the bundle
 * was built (validated then, so a broken template fails the build), with paths relative to the
 * templates directory. A function reads it instead of validating the folders at its first render.
 */
export const REGISTRY_FILE = 'registry.json';

type StoredTemplate = Omit<Template, 'root' | 'pdf'> & { pdf: PdfLayout };

/** The registry as `REGISTRY_FILE` holds it. */
export function registryFileText(registry: ReadonlyMap<string, Template>, root: string): string {
  const stored: StoredTemplate[] = [...registry.values()].map(({ root: _root, ...template }) => ({
    ...template,
    pdf: {
      ...template.pdf,
      fonts: {
        regular: path.relative(root, template.pdf.fonts.regular),
        bold: path.relative(root, template.pdf.fonts.bold),
        heading: path.relative(root, template.pdf.fonts.heading),
      },
    },
  }));
  return `${JSON.stringify(stored)}\n`;
}

function readRegistryFile(root: string): Map<string, Template> {
  const stored = JSON.parse(readFileSync(path.join(root, REGISTRY_FILE), 'utf8')) as StoredTemplate[];
  const at = (relative: string) => path.join(root, relative);
  return new Map(
    stored.map((t) => [
      t.id,
      {
        ...t,
        root,
        pdf: {
          ...t.pdf,
          fonts: {
            regular: at(t.pdf.fonts.regular),
            bold: at(t.pdf.fonts.bold),
            heading: at(t.pdf.fonts.heading),
          },
        },
      },
    ]),
  );
}

const registries = new Map<string, ReadonlyMap<string, Template>>();

/**
 * Every template of the templates directory, loaded once per process: from `REGISTRY_FILE` in a
 * bundle (validated when it was built), otherwise from the folders, checked now (a broken template
 * fails the first render, loudly, with the file at fault).
 */
export function loadTemplates(root: string = templatesDir()): ReadonlyMap<string, Template> {
  const dir = path.resolve(root);
  const cached = registries.get(dir);
  if (cached !== undefined) return cached;
  const registry = existsSync(path.join(dir, REGISTRY_FILE))
    ? readRegistryFile(dir)
    : readTemplateFolders(dir);
  registries.set(dir, registry);
  return registry;
}

/** The template, or `UnknownTemplateError` (never a filesystem lookup built from the caller's id). */
export function getTemplate(id: string, root?: string): Template {
  const registry = loadTemplates(root);
  const template = registry.get(id);
  if (template === undefined) throw new UnknownTemplateError(id, [...registry.keys()]);
  return template;
}

/** What `GET /templates` lists. */
export function listTemplates(root?: string): TemplateSummary[] {
  return [...loadTemplates(root).values()].map((t) => ({
    id: t.id,
    name: t.name,
    description: t.description,
    locales: t.locales,
    defaultIntro: t.defaultIntro,
    defaultTerms: t.defaultTerms,
  }));
}

/** The template the API uses when a quote names none. */
export const DEFAULT_TEMPLATE_ID = 'classic';
