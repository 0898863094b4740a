import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Verification by tools nobody here wrote: poppler's `pdfsig` and `qpdf` (Debian's poppler-utils
 * and qpdf; .ci/run installs them). Each call writes the bytes to a temporary file.
 */
function withFile<T>(bytes: Uint8Array, run: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'closer-pdf-'));
  const path = join(dir, 'file.pdf');
  writeFileSync(path, bytes);
  try {
    return run(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface PdfsigReport {
  output: string;
  /** "Signature Validation: Signature is Valid." */
  valid: boolean;
  /** "Total document signed": the byte range covers the whole file. */
  wholeDocument: boolean;
  signatureType?: string;
  signer?: string;
  timestamped: boolean;
}

export function pdfsig(bytes: Uint8Array): PdfsigReport {
  return withFile(bytes, (path) => {
    // -nocert: the local seal is self-signed, so the certificate is not trusted; the signature
    // itself (integrity) is what is checked here.
    const out = spawnSync('pdfsig', ['-nocert', path], { encoding: 'utf8' });
    if (out.error)
      throw new Error(`pdfsig could not run (apt-get install poppler-utils): ${out.error.message}`);
    const output = `${out.stdout}${out.stderr}`;
    return {
      output,
      valid: /Signature Validation: Signature is Valid\./.test(output),
      wholeDocument: /Total document signed/.test(output),
      signatureType: /Signature Type: (\S+)/.exec(output)?.[1],
      signer: /Signer Certificate Common Name: (.+)/.exec(output)?.[1]?.trim(),
      timestamped: /Timestamp/i.test(output),
    };
  });
}

/** `qpdf --check`: exit 0 (or 3, warnings only) and no error line. */
export function qpdfCheck(bytes: Uint8Array): { ok: boolean; output: string } {
  return withFile(bytes, (path) => {
    const out = spawnSync('qpdf', ['--check', path], { encoding: 'utf8' });
    if (out.error) throw new Error(`qpdf could not run (apt-get install qpdf): ${out.error.message}`);
    const output = `${out.stdout}${out.stderr}`;
    return { ok: out.status === 0 && /No syntax or stream encoding errors/.test(output), output };
  });
}

export function pdfText(bytes: Uint8Array): string {
  return withFile(bytes, (path) => execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' }));
}

export function pageCount(bytes: Uint8Array): number {
  return withFile(bytes, (path) => {
    const info = execFileSync('pdfinfo', [path], { encoding: 'utf8' });
    return Number(/Pages:\s+(\d+)/.exec(info)?.[1] ?? 0);
  });
}

/** The same bytes with one byte changed inside the signed range (in the original's content). */
export function flipByte(bytes: Uint8Array, at = Math.floor(bytes.length / 3)): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}

export interface PdffontsRow {
  name: string;
  type: string;
  embedded: boolean;
  subset: boolean;
  unicode: boolean;
}

/** poppler's `pdffonts`: each font of the file, as poppler reads it. */
export function pdffonts(bytes: Uint8Array): PdffontsRow[] {
  return withFile(bytes, (path) => {
    const lines = execFileSync('pdffonts', [path], { encoding: 'utf8' }).split('\n').slice(2);
    return lines
      .filter((line) => line.trim() !== '')
      .map((line) => {
        // name type [encoding] emb sub uni object-id generation
        const parts = line.trim().split(/\s+/);
        const flags = parts.slice(-5, -2);
        return {
          name: parts[0] ?? '',
          type: line.slice(37, 54).trim(),
          embedded: flags[0] === 'yes',
          subset: flags[1] === 'yes',
          unicode: flags[2] === 'yes',
        };
      });
  });
}

/** Renders every page with poppler (FreeType reads the embedded fonts); what it reported on stderr. */
export function rasterErrors(bytes: Uint8Array): string {
  return withFile(bytes, (path) => {
    const out = spawnSync('pdftoppm', ['-r', '20', '-png', path, `${path}-page`], { encoding: 'utf8' });
    if (out.error)
      throw new Error(`pdftoppm could not run (apt-get install poppler-utils): ${out.error.message}`);
    return `${out.stderr}${out.status === 0 ? '' : `exit ${out.status}`}`;
  });
}
