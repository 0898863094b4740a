import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import runtime from 'handlebars/runtime';

/**
 * Handlebars without its compiler at run time. The bundles ship every `.hbs` of templates/ with its
 * precompiled spec next to it (`<file>.hbs.precompiled.js`, written when the function is bundled by
 * `precompileTemplateFile`), so a Lambda loads only Handlebars' runtime (18 KB instead of 107 KB
 * with its parser and source-map dependency). From a checkout (tests, `npm start`) there is no spec:
 * the compiler is loaded on demand and precompiles the source the same way, with the same options.
 */
type HandlebarsEnvironment = typeof import('handlebars');

/** The runtime build: `template()`, `SafeString`, `Utils`, helpers; no `compile`. */
const Handlebars = runtime as unknown as HandlebarsEnvironment;

/** A private instance, so that helpers registered by one renderer cannot leak into another. */
export function createHandlebars(): HandlebarsEnvironment {
  return Handlebars.create();
}

export type SafeString = InstanceType<HandlebarsEnvironment['SafeString']>;

/** Strict: a misspelt field throws (in the tests) instead of printing nothing to a customer. */
const STRICT: CompileOptions = { strict: true, knownHelpersOnly: true };

/**
 * The compile options of each kind of template, by path under templates/: one table, read by the
 * renderers at run time and by the bundler when it precompiles, so both give the same functions.
 * knownHelpersOnly: templates can call these helpers and Handlebars' built-ins, nothing else.
 */
export function compileOptionsFor(relativePath: string): CompileOptions {
  const file = relativePath.split(path.sep).join('/');
  // The plain-text part of an email is not HTML: escaping would print `&amp;` to the reader.
  if (file === 'email/layout.text.hbs') return { ...STRICT, noEscape: true };
  if (file.startsWith('email/')) return { ...STRICT, knownHelpers: { paragraphs: true } };
  if (file.startsWith('page/')) return { ...STRICT, knownHelpers: { paragraphs: true }, preventIndent: true };
  if (file.startsWith('verify/')) return { ...STRICT, preventIndent: true };
  if (/^[^/]+\/quote\.hbs$/.test(file)) {
    return { ...STRICT, knownHelpers: { lines: true, paragraphs: true, logo: true }, preventIndent: true };
  }
  throw new Error(`templates/${file}: no compile options for this kind of template`);
}

export const PRECOMPILED_SUFFIX = '.precompiled.js';

/** Loads `handlebars` (with its compiler) only where no precompiled spec exists: never in a bundle. */
const requireFromHere = createRequire(import.meta.url);
let compiler: HandlebarsEnvironment | undefined;

/** The spec (JavaScript source of an object) of a template file, as the bundler writes it. */
export function precompileTemplateFile(root: string, relativePath: string): string {
  compiler ??= requireFromHere('handlebars') as HandlebarsEnvironment;
  const source = readFileSync(path.join(root, relativePath), 'utf8');
  return String(compiler.precompile(source, compileOptionsFor(relativePath)));
}

/**
 * The template function of `root/relativePath` on the given instance: its precompiled spec when the
 * bundle has one, else precompiled here from the source.
 */
export function compiledTemplate<T>(
  hbs: HandlebarsEnvironment,
  root: string,
  relativePath: string,
): HandlebarsTemplateDelegate<T> {
  const precompiled = path.join(root, `${relativePath}${PRECOMPILED_SUFFIX}`);
  const spec = existsSync(precompiled)
    ? readFileSync(precompiled, 'utf8')
    : precompileTemplateFile(root, relativePath);
  // The spec is code Handlebars generated from our own template files (shipped in the bundle, like
  // the code itself); evaluating it is what `Handlebars.compile` does internally.
  const specification = new Function(`return ${spec};`)() as TemplateSpecification;
  return hbs.template<T>(specification);
}
