import { compiledTemplate, createHandlebars } from './handlebars.ts';
import { getTemplate, type Template } from './templates.ts';
import type { Paragraph, QuoteView } from './view.ts';

/**
 * Our own Handlebars instance: helpers registered here cannot leak into (or be overridden by) any
 * other user of the global one. Every helper that returns a `SafeString` escapes what it is given.
 */
const hbs = createHandlebars();
const escapeHtml = (value: unknown): string =>
  hbs.Utils.escapeExpression(typeof value === 'string' ? value : '');

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** `{{lines address}}`: the lines of an array, escaped, joined by `<br>`. */
export function linesHtml(value: unknown): string {
  return asStrings(value).map(escapeHtml).join('<br>');
}

/** `{{paragraphs intro}}`: one `<p>` per paragraph, the author's line breaks as `<br>`. */
export function paragraphsHtml(value: unknown): string {
  const paragraphs = Array.isArray(value) ? (value as unknown[]) : [];
  return paragraphs.map((p) => `<p>${linesHtml(p as Paragraph)}</p>`).join('');
}

interface LogoInput {
  kind?: unknown;
  text?: unknown;
  type?: unknown;
  base64?: unknown;
  size?: unknown;
  shape?: unknown;
}

const RADII: Record<string, number> = { square: 0, rounded: 18, circle: 50 };

/**
 * `{{logo theme.logo seller.name}}`: the seller's image as a data URL (the page loads nothing from
 * elsewhere) or a monogram drawn in SVG. The name becomes the accessible label.
 */
export function logoHtml(logo: unknown, name: unknown): string {
  const l = (typeof logo === 'object' && logo !== null ? logo : {}) as LogoInput;
  const size = typeof l.size === 'number' ? Math.round(l.size) : 48;
  const shape = typeof l.shape === 'string' && l.shape in RADII ? l.shape : 'square';
  if (
    l.kind === 'image' &&
    (l.type === 'image/png' || l.type === 'image/jpeg') &&
    typeof l.base64 === 'string'
  ) {
    const data = /^[A-Za-z0-9+/]*={0,2}$/.test(l.base64) ? l.base64 : '';
    return `<img class="logo logo--${shape}" src="data:${l.type};base64,${data}" alt="${escapeHtml(name)}" width="${size}" height="${size}">`;
  }
  return (
    `<svg class="logo logo--${shape}" width="${size}" height="${size}" viewBox="0 0 100 100" role="img" aria-label="${escapeHtml(name)}">` +
    `<rect class="logo-bg" width="100" height="100" rx="${RADII[shape]}"/>` +
    `<text class="logo-fg" x="50" y="50" dy="0.35em" text-anchor="middle" font-size="40" font-weight="700" font-family="system-ui, sans-serif">${escapeHtml(l.text)}</text></svg>`
  );
}

hbs.registerHelper('lines', (value: unknown) => new hbs.SafeString(linesHtml(value)));
hbs.registerHelper('paragraphs', (value: unknown) => new hbs.SafeString(paragraphsHtml(value)));
hbs.registerHelper('logo', (logo: unknown, name: unknown) => new hbs.SafeString(logoHtml(logo, name)));

const compiled = new WeakMap<Template, HandlebarsTemplateDelegate<QuoteView>>();

function bodyTemplate(view: QuoteView): HandlebarsTemplateDelegate<QuoteView> {
  const template = getTemplate(view.template.id, view.template.root);
  let fn = compiled.get(template);
  if (fn === undefined) {
    // Strict, and only the helpers above (compile options: ./handlebars.ts).
    fn = compiledTemplate<QuoteView>(hbs, template.root, `${template.id}/quote.hbs`);
    compiled.set(template, fn);
  }
  return fn;
}

/** The quote itself (`<article>`), for pages that put it in their own layout (the customer page). */
export function renderQuoteBody(view: QuoteView): string {
  return bodyTemplate(view)(view);
}

/**
 * The CSS the body needs: the theme's colours as custom properties, then the template's stylesheet.
 * Colours are validated hex values (template.json), and the stylesheet is ops' file checked at load
 * time not to close the `<style>` element; neither holds user data.
 */
export function quoteStyles(view: QuoteView): string {
  const c = view.theme.colors;
  const vars = [
    `--primary:${c.primary}`,
    `--on-primary:${c.onPrimary}`,
    `--accent:${c.accent}`,
    `--text:${c.text}`,
    `--muted:${c.muted}`,
    `--rule:${c.rule}`,
    `--tint:${c.tint}`,
    `--logo-size:${view.theme.logo.size}px`,
  ].join(';');
  return `:root{${vars}}\n${getTemplate(view.template.id, view.template.root).css}`;
}

/**
 * A complete, self-contained HTML document (inline CSS, no external resource): the rep's preview
 * and the base of the customer page. `no-referrer` because the customer page's URL is a capability.
 */
export function renderQuoteHtml(view: QuoteView): string {
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(view.lang)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    '<meta name="robots" content="noindex, nofollow">',
    `<title>${escapeHtml(view.title)}</title>`,
    `<style>${quoteStyles(view)}</style>`,
    '</head>',
    '<body>',
    '<main>',
    renderQuoteBody(view),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
