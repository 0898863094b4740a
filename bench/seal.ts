/**
 * `npm run bench -- --only seal`: how long sealing a signed copy takes with the local key, and what
 * the seal adds to the file. 50 signs of the same appended PDF (quote + certificate page); prints
 * p50/p90 and the size before and after. Figures, not assertions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendPages, sealPdf } from '../functions/evidence/seal.ts';
import { ensureLocalSeal, loadLocalSigner } from '../functions/evidence/signer.ts';
import { renderCertificatePdf, renderQuotePdf } from '../functions/render/pdf.ts';
import { viewOf } from '../functions/services/quotes.ts';
import { makeQuote } from '../test/unit/render-fixtures.ts';

const RUNS = Number(process.env.SEAL_RUNS ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'closer-seal-bench-'));
try {
  await ensureLocalSeal(dir, 'Atelier Closer SAS');
  const signer = loadLocalSigner(dir);
  const quote = makeQuote();
  const original = new Uint8Array(await renderQuotePdf(viewOf(quote)));
  const certificate = new Uint8Array(
    await renderCertificatePdf(viewOf(quote), {
      signerName: 'Jeanne Dupont',
      signedAt: '2026-05-04T10:00:00.000Z',
      ip: '203.0.113.7',
      userAgent: 'Firefox',
      documentHash: 'a'.repeat(64),
      method: 'typed',
      events: [],
      chainHead: 'b'.repeat(64),
      verifyUrl: `https://quotes.example.com/verify/${'a'.repeat(64)}`,
    }),
  );
  const appended = await appendPages(original, certificate);
  await sealPdf(appended, signer); // warm-up
  const times: number[] = [];
  let sealed = appended;
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    sealed = await sealPdf(appended, signer);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => (times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0).toFixed(1);
  console.log(`seal (local RSA-2048 key, ${RUNS} signs): p50 ${at(0.5)} ms, p90 ${at(0.9)} ms`);
  console.log(
    `sizes: quote ${original.length} B; + certificate page ${appended.length} B (+${appended.length - original.length}); sealed ${sealed.length} B (seal +${sealed.length - appended.length})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
