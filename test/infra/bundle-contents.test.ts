import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { houseBuildOptions, PROJECT_ROOT } from '#infra/constructs/function';

/**
 * What a function's bundle contains, built with the construct's esbuild settings (the SDK bundled,
 * as deployed): a build fact, not a timing. A dynamic import inside one bundle is still in the file
 * every cold start parses, so "never imported" is checked on the metafile's inputs.
 */
async function bundleInputs(name: string): Promise<string[]> {
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
  return Object.keys((result.metafile as Metafile).inputs);
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
      matching(inputs, [/node_modules\/(pdfkit|fontkit)\//, /node_modules\/@aws-sdk\/client-s3\//]),
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
});
