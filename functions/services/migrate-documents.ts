import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { isSignedCopyPending } from '#domain/quotes';
import { sha256Hex } from '#domain/tokens';
import type { Quote } from '#schemas/quotes';
import { db, table } from '#store/client';
import { toResource } from '#store/items';
import { getDocument, putDocument } from '#store/objects';
import { documentItem } from '#store/quotes';
import { quotePdf } from './documents.ts';

/**
 * One-shot migration for quotes sent before documents were stored: renders each sent quote's PDF
 * once, stores it if (and only if) it hashes to the `documentHash` recorded at sending, and issues
 * it (the verify lookup). A quote whose render no longer matches (templates changed since) is
 * reported, never stored under a hash it does not have. A quote signed before signed copies were
 * sealed gets its sealed copy too (the stored PDF plus the certificate page, sealed now; its events
 * predate the hash chain, so the copy says "unchained"). A copy sealed before the seal's certificate
 * chain was stored beside it gets its chain stored and recorded (read from the copy's signature), so
 * the evidence bundle includes it. Safe to run twice. Ops only: it scans the table, which no request
 * path does.
 */
export async function migrateDocuments(): Promise<{
  stored: string[];
  present: string[];
  mismatched: string[];
  sealed: string[];
  chains: string[];
}> {
  const report = {
    stored: [] as string[],
    present: [] as string[],
    mismatched: [] as string[],
    sealed: [] as string[],
    chains: [] as string[],
  };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: table(),
        FilterExpression: 'entity = :quote AND attribute_exists(documentHash)',
        ExpressionAttributeValues: { ':quote': 'Quote' },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const quote = toResource<Quote>(item);
      const hash = String(quote.documentHash);
      if (await getDocument(hash)) {
        report.present.push(quote.id);
        await sealIfSigned(quote, report);
        continue;
      }
      const pdf = await quotePdf(quote);
      if (sha256Hex(pdf) !== hash) {
        report.mismatched.push(quote.id);
        continue;
      }
      await putDocument(pdf, { quote: quote.id, kind: 'quote' });
      await db.send(
        new PutCommand({
          TableName: table(),
          Item: documentItem({
            sha256: hash,
            kind: 'quote',
            quoteId: quote.id,
            dealId: quote.dealId,
            issuedAt: quote.sentAt ?? quote.updatedAt,
          }),
        }),
      );
      report.stored.push(quote.id);
      await sealIfSigned(quote, report);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return report;
}

/**
 * A signed quote without its sealed copy gets one; a copy sealed before its chain was kept gets the
 * chain (the seal code loads only when needed).
 */
async function sealIfSigned(quote: Quote, report: { sealed: string[]; chains: string[] }): Promise<void> {
  if (quote.status !== 'signed') return;
  const seal = await import('./seal.ts');
  if (isSignedCopyPending(quote)) {
    await seal.ensureSignedCopy(quote);
    report.sealed.push(quote.id);
  } else if (await seal.backfillSealChain(quote)) {
    report.chains.push(quote.id);
  }
}
