/**
 * `npm run replay -- [notify|aggregate]`: processes again the stream records a local consumer gave
 * up on (its dead letters, under DATA_DIR/dead-letters/<function>/), with the same handler, against
 * the running local stack (`npm start` with the same DATA_DIR and ports). A letter whose records
 * all go through is removed; one that fails again stays, and the command exits with 1.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { STREAM_MAPPINGS, type StreamConsumer } from '#contracts/stream-mapping';
import { persistentSecret, resolveDataDir } from './config.ts';
import { deadLetterDir, fileDeadLetters, replayDeadLetters } from './dead-letters.ts';
import { applyLocalEnvironment } from './environment.ts';
import { DOCUMENTS_BUCKET } from './evidence.ts';
import { loadStreamHandler } from './handlers.ts';

const TABLE_NAME = 'closer';

async function main(): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    allowPositionals: true,
  });
  const fn = (positionals[0] ?? 'notify') as StreamConsumer;
  if (values.help || !(fn in STREAM_MAPPINGS)) {
    console.error(
      'usage: npm run replay -- [notify|aggregate] [--data-dir <dir>]\n  environment: DATA_DIR (.data), DYNAMODB_PORT (8000), SES_PORT (8005), S3_PORT (8006), PORT (3000): those of the running `npm start`',
    );
    return values.help ? 0 : 2;
  }
  const dataDir = resolveDataDir(values['data-dir'], process.env);
  const port = process.env.PORT || '3000';
  applyLocalEnvironment({
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT || `http://127.0.0.1:${process.env.DYNAMODB_PORT || 8000}`,
    sesEndpoint: process.env.SES_ENDPOINT || `http://127.0.0.1:${process.env.SES_PORT || 8005}`,
    tableName: process.env.TABLE_NAME || TABLE_NAME,
    publicBaseUrl: (process.env.PUBLIC_BASE_URL || `http://localhost:${port}`).replace(/\/+$/, ''),
    senderEmail: process.env.SENDER_EMAIL || 'quotes@closer.local',
    linkKey: process.env.LINK_KEY || persistentSecret(dataDir, 'link-key'),
    // The running `npm start`'s S3 emulator and seal: notify attaches the stored PDFs.
    s3Endpoint: process.env.S3_ENDPOINT || `http://127.0.0.1:${process.env.S3_PORT || 8006}`,
    documentsBucket: process.env.DOCUMENTS_BUCKET || DOCUMENTS_BUCKET,
    sealDir: process.env.SEAL_DIR || join(dataDir, 'seal'),
  });
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const store = fileDeadLetters(deadLetterDir(dataDir, fn), fn);
  if (store.list().length === 0) {
    console.log(`no dead letters for ${fn} in ${store.dir}`);
    return 0;
  }
  const handler = await loadStreamHandler(fn);
  if (!handler) throw new Error(`functions/${fn}/handler.ts is missing`);
  const result = await replayDeadLetters(store, handler, fn);
  console.log(
    `${fn}: replayed ${result.records} record(s) from ${result.letters} dead letter(s); ${result.letters - result.failed.length} done, ${result.failed.length} still failing`,
  );
  for (const failed of result.failed) console.error(`  ${failed.file}: ${failed.error}`);
  return result.failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`replay failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
