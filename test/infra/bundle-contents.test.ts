import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { houseBuildOptions, PROJECT_ROOT } from '#infra/constructs/function';
import { functionPlans, httpFunctionNames } from '#infra/stack';

/**
 * What a function's bundle contains, built with the construct's esbuild settings (the SDK bundled,
 * as deployed): a build fact, not a timing. A dynamic import inside one bundle is still in the file
 * every cold start parses, so "never imported" is checked on the metafile's inputs.
 */
async function bundleInputs(name: string): Promise<string[]> {
  return Object.keys((await bundleMetafile(name)).inputs);
}

async function bundleMetafile(name: string): Promise<Metafile> {
  const result = await build({
    entryPoints: [`functions/${name}/handler.ts`],
    absWorkingDir: PROJECT_ROOT,
    ...houseBuildOptions(),
    sourcemap: false,
    write: false,
    outfile: `${name}.mjs`,
    metafile: true,
    logLevel: 'error',
  });
  return result.metafile as Metafile;
}

/**
 * The modules a cold start evaluates: those the entry reaches through static imports. esbuild wraps
 * a module reached only through `import()` and evaluates it when that import runs.
 */
function evaluatedAtColdStart(metafile: Metafile, entry: string): Set<string> {
  const seen = new Set<string>();
  const next = [entry];
  for (let path = next.pop(); path !== undefined; path = next.pop()) {
    if (seen.has(path)) continue;
    seen.add(path);
    for (const edge of metafile.inputs[path]?.imports ?? []) {
      if (edge.kind !== 'dynamic-import' && !edge.external) next.push(edge.path);
    }
  }
  return seen;
}

const SEAL_CODE = [
  /^functions\/services\/seal\.ts$/,
  /^functions\/evidence\//,
  /node_modules\/@libpdf\/core\//,
  /node_modules\/pkijs\//,
  /node_modules\/asn1js\//,
  /node_modules\/@aws-sdk\/client-kms\//,
];
const CERTIFICATE_PARSING = [
  /^functions\/evidence\/certificate\.ts$/,
  /pkijs\//,
  /asn1js\//,
  /bytestreamjs\//,
];

const matching = (inputs: string[], patterns: RegExp[]) =>
  inputs.filter((input) => patterns.some((p) => p.test(input)));

describe('function bundles', () => {
  it('keep the seal code out of the customer pages, with no PDF code nor object store client', async () => {
    const inputs = await bundleInputs('pages');

    expect(matching(inputs, SEAL_CODE)).toEqual([]);
    expect(
      matching(inputs, [
        /functions\/render\/(pdf|pdf-writer|truetype)\.ts/,
        /node_modules\/@aws-sdk\/client-s3\//,
      ]),
    ).toEqual([]);
  }, 60_000);

  it('keep certificate parsing out of documents (the evidence bundle reads the stored chain)', async () => {
    const inputs = await bundleInputs('documents');

    expect(matching(inputs, CERTIFICATE_PARSING)).toEqual([]);
    expect(matching(inputs, SEAL_CODE)).toEqual([]);
  }, 60_000);

  it('put the seal code in notify and deliver, which seal signed copies', async () => {
    for (const name of ['notify', 'deliver']) {
      const inputs = await bundleInputs(name);
      expect(inputs, name).toContain('functions/services/seal.ts');
    }
  }, 120_000);

  it("build no schema at an HTTP cold start: contracts are imported on a route's first request", async () => {
    for (const name of httpFunctionNames()) {
      const metafile = await bundleMetafile(name);
      const atStart = [...evaluatedAtColdStart(metafile, `functions/${name}/handler.ts`)];

      // The contract modules and the schema modules (messages.ts only sets zod's language).
      expect(
        atStart.filter((p) => /^functions\/(schemas\/(?!messages\.ts)|.*\/contracts(\/|\.ts))/.test(p)),
        name,
      ).toEqual([]);
      // They are in the bundle all the same, behind import().
      expect(
        Object.keys(metafile.inputs).some((p) => p.startsWith('functions/schemas/')),
        name,
      ).toBe(true);
    }
  }, 120_000);

  it('start documents without a renderer, Handlebars, zod or SES: each loads with the route that needs it', async () => {
    const metafile = await bundleMetafile('documents');
    const atStart = [...evaluatedAtColdStart(metafile, 'functions/documents/handler.ts')];

    expect(
      atStart.filter((p) =>
        /^functions\/(render\/(pdf|pdf-writer|truetype|email|html|page|handlebars)\.ts|mail\/)|node_modules\/(handlebars|zod|@aws-sdk\/client-ses)\//.test(
          p,
        ),
      ),
    ).toEqual([]);
    // The PDF renderer and the previews' renderers are in the bundle all the same, behind import().
    expect(Object.keys(metafile.inputs)).toEqual(
      expect.arrayContaining([
        'functions/render/pdf.ts',
        'functions/render/email.ts',
        'functions/render/page.ts',
      ]),
    );
  }, 60_000);

  it('read the templates checked at build time, never the folders with their schemas', async () => {
    const shipping = Object.entries(functionPlans).filter(([, plan]) => plan.templates);
    expect(shipping.length).toBeGreaterThan(0);
    for (const [name] of shipping) {
      const inputs = await bundleInputs(name);
      expect(inputs, name).not.toContain('functions/render/template-files.ts');
      expect(inputs, name).toContain('infra/bundle-stubs/template-files/index.js');
    }
  }, 120_000);

  it('carry no S3 client, zip, PDF or PNG library (our objects.ts, zip.ts, pdf-writer.ts and png.ts do their part)', async () => {
    for (const name of Object.keys(functionPlans)) {
      const inputs = await bundleInputs(name);
      expect(
        matching(inputs, [
          /node_modules\/@aws-sdk\/(client-s3|middleware-sdk-s3)\//,
          /node_modules\/(fflate|pdfkit|fontkit|pngjs|png-js)\//,
        ]),
        name,
      ).toEqual([]);
    }
    const documents = await bundleInputs('documents');
    expect(documents).toContain('functions/store/objects.ts');
    expect(documents).toContain('functions/render/pdf-writer.ts');
  }, 180_000);
});
