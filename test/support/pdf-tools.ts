import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

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

/**
 * The certificates of a PDF's first signature, as the evidence bundle's README says to get them
 * without Closer: `pdfsig -dump` writes the signature (DER CMS) as `<file>.sig0`, and
 * `openssl pkcs7 -print_certs` prints its certificates. Returns the PEM blocks found, in order.
 */
export function dumpedSealCertificates(bytes: Uint8Array): string[] {
  return withFile(bytes, (path) => {
    const dir = dirname(path);
    execFileSync('pdfsig', ['-dump', basename(path)], { cwd: dir, encoding: 'utf8' });
    const dumped = readdirSync(dir).find((name) => name === `${basename(path)}.sig0`);
    if (!dumped) throw new Error(`pdfsig -dump wrote ${readdirSync(dir).join(', ')}`);
    const printed = execFileSync('openssl', ['pkcs7', '-inform', 'DER', '-in', dumped, '-print_certs'], {
      cwd: dir,
      encoding: 'utf8',
    });
    return printed.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  });
}

export interface PdfImageRow {
  page: number;
  /** "image" or "smask" (a soft mask: the alpha of the image listed before it). */
  type: string;
  width: number;
  height: number;
  color: string;
  /** "image" (Flate) or "jpeg" (DCT, embedded as is). */
  encoding: string;
  /** Pixels per inch as drawn: the image's width over the width it is drawn at. */
  xPpi: number;
}

/** poppler's `pdfimages -list`: each image drawn, as poppler reads it. */
export function pdfImages(bytes: Uint8Array): PdfImageRow[] {
  return withFile(bytes, (path) =>
    execFileSync('pdfimages', ['-list', path], { encoding: 'utf8' })
      .split('\n')
      .slice(2)
      .filter((line) => line.trim() !== '')
      .map((line) => {
        // page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
        const parts = line.trim().split(/\s+/);
        return {
          page: Number(parts[0]),
          type: parts[2] ?? '',
          width: Number(parts[3]),
          height: Number(parts[4]),
          color: parts[5] ?? '',
          encoding: parts[8] ?? '',
          xPpi: Number(parts[12]),
        };
      }),
  );
}
