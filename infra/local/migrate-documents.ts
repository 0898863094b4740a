/**
 * `npm run migrate:documents`: stores the PDF of every quote sent before documents were kept (see
 * functions/services/migrate-documents.ts). Uses the handlers' environment (TABLE_NAME,
 * DOCUMENTS_BUCKET, and locally DYNAMODB_ENDPOINT / S3_ENDPOINT); prints what it did.
 */
import { migrateDocuments } from '../../functions/services/migrate-documents.ts';

const report = await migrateDocuments();
console.log(
  `stored ${report.stored.length}, already stored ${report.present.length}, render no longer matching ${report.mismatched.length}, signed copies sealed ${report.sealed.length}, seal certificate chains stored ${report.chains.length}`,
);
for (const id of report.mismatched) console.log(`  mismatched: ${id} (templates changed since it was sent)`);
process.exit(report.mismatched.length > 0 ? 1 : 0);
