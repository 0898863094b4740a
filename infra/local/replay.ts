/**
 * `npm run replay -- [notify|aggregate]`: processes again the stream records a local consumer gave
 * up on (its dead letters, under DATA_DIR/dead-letters/<function>/), with the same handler, against
 * the running local stack (`npm start` with the same DATA_DIR and ports). A letter whose records
 * all go through is removed; one that fails again stays, and the command exits with 1.
 *
 * With `--queue-url <the stack's …DeadLetterQueueUrl> --function-name <…FunctionName>` it does the
 * same in the cloud: it reads each message of the dead-letter queue, reads the records it points to
 * back from the table's stream, invokes the deployed function with them, and deletes the message
 * once they all went through (AWS credentials and region from the environment, as the AWS CLI).
 */
import { parseArgs } from 'node:util';
import { STREAM_MAPPINGS, type StreamConsumer } from '#contracts/stream-mapping';
import { persistentSecret, resolveDataDir } from './config.ts';
import { deadLetterDir, fileDeadLetters, replayDeadLetters } from './dead-letters.ts';
import { applyLocalEnvironment } from './environment.ts';
import { loadStreamHandler } from './handlers.ts';

const TABLE_NAME = 'closer';

async function main(): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: {
      'data-dir': { type: 'string' },
      'queue-url': { type: 'string' },
      'function-name': { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
  });
  const fn = (positionals[0] ?? 'notify') as StreamConsumer;
  if (values.help || !(fn in STREAM_MAPPINGS)) {
    console.error(
      [
        'usage: npm run replay -- [notify|aggregate] [--data-dir <dir>]',
        '         the local stack: environment DATA_DIR (.data), DYNAMODB_PORT (8000), SES_PORT (8005), PORT (3000) of the running `npm start`',
        '       npm run replay -- [notify|aggregate] --queue-url <url> --function-name <name> [--region <region>]',
        '         a deployed stack: the outputs <Consumer>DeadLetterQueueUrl and <Consumer>FunctionName; AWS credentials from the environment',
      ].join('\n'),
    );
    return values.help ? 0 : 2;
  }
  if (values['queue-url'] !== undefined || values['function-name'] !== undefined) {
    const queueUrl = values['queue-url'];
    const functionName = values['function-name'];
    if (!queueUrl || !functionName) {
      console.error('replay: --queue-url and --function-name go together (the stack outputs both)');
      return 2;
    }
    return replayFromQueue(fn, queueUrl, functionName, values.region);
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
  for (const failed of result.failed) console.error(`  ${failed.id}: ${failed.error}`);
  return result.failed.length > 0 ? 1 : 0;
}

async function replayFromQueue(
  fn: StreamConsumer,
  queueUrl: string,
  functionName: string,
  region: string | undefined,
): Promise<number> {
  const [{ DynamoDBStreamsClient }, { LambdaClient }, { SQSClient }, queueModule] = await Promise.all([
    import('@aws-sdk/client-dynamodb-streams'),
    import('@aws-sdk/client-lambda'),
    import('@aws-sdk/client-sqs'),
    import('../ops/dead-letter-queue.ts'),
  ]);
  const config = region ? { region } : {};
  const source = queueModule.queueDeadLetters({
    queue: queueModule.sqsQueue(new SQSClient(config), queueUrl),
    streams: new DynamoDBStreamsClient(config),
  });
  const result = await replayDeadLetters(
    source,
    queueModule.lambdaHandler(new LambdaClient(config), functionName),
    fn,
  );
  if (result.letters === 0) {
    console.log(`no dead letters for ${fn} in ${queueUrl}`);
    return 0;
  }
  console.log(
    `${fn}: replayed ${result.records} record(s) from ${result.letters} message(s); ${result.letters - result.failed.length} done and deleted, ${result.failed.length} left in the queue`,
  );
  for (const failed of result.failed) console.error(`  message ${failed.id.slice(0, 16)}…: ${failed.error}`);
  return result.failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`replay failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
