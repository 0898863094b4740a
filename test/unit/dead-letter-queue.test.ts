import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaHandler, sqsQueue } from '#infra/ops/dead-letter-queue';

/**
 * The two AWS calls of the cloud replay that cannot run here (SQS, Lambda), against a server that
 * answers as those services' wire protocols do: what is checked is what the SDK sends and how the
 * answers (a message, a partial batch response, a function error) are read.
 */

interface Seen {
  target?: string;
  path: string;
  body: string;
}

const seen: Seen[] = [];
let server: Server;
let endpoint: string;
/** What Lambda answers next: the function's payload, and its error kind if it threw. */
let lambdaAnswer: { payload: unknown; error?: string } = { payload: null };

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = '';
    req.on('data', (chunk) => {
      data += chunk;
    });
    req.on('end', () => resolve(data));
  });

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await read(req);
    const target = req.headers['x-amz-target'] as string | undefined;
    seen.push({ target, path: req.url ?? '', body });
    if (target === 'AmazonSQS.ReceiveMessage') {
      const messageBody = '{"DDBStreamBatchInfo":{}}';
      res.setHeader('content-type', 'application/x-amz-json-1.0');
      res.end(
        JSON.stringify({
          Messages: [
            {
              MessageId: 'm-1',
              ReceiptHandle: 'receipt-1',
              Body: messageBody,
              MD5OfBody: createHash('md5').update(messageBody).digest('hex'),
            },
          ],
        }),
      );
      return;
    }
    if (target === 'AmazonSQS.DeleteMessage') {
      res.setHeader('content-type', 'application/x-amz-json-1.0');
      res.end('{}');
      return;
    }
    if (req.url?.startsWith('/2015-03-31/functions/')) {
      res.statusCode = 200;
      if (lambdaAnswer.error) res.setHeader('x-amz-function-error', lambdaAnswer.error);
      res.end(JSON.stringify(lambdaAnswer.payload));
      return;
    }
    res.statusCode = 400;
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('sqsQueue', () => {
  it('receives up to 10 messages hidden for the replay, and deletes by receipt handle', async () => {
    const queue = sqsQueue(new SQSClient({ endpoint, region: 'eu-west-3', credentials }), 'https://q/dlq');
    seen.length = 0;

    const messages = await queue.receive();
    await queue.delete('receipt-1');

    expect(messages).toEqual([{ id: 'receipt-1', body: '{"DDBStreamBatchInfo":{}}' }]);
    expect(seen.map((s) => s.target)).toEqual(['AmazonSQS.ReceiveMessage', 'AmazonSQS.DeleteMessage']);
    expect(JSON.parse(seen[0]?.body ?? '')).toMatchObject({
      QueueUrl: 'https://q/dlq',
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 900,
    });
    expect(JSON.parse(seen[1]?.body ?? '')).toEqual({
      QueueUrl: 'https://q/dlq',
      ReceiptHandle: 'receipt-1',
    });
  });
});

describe('lambdaHandler', () => {
  const handler = () =>
    lambdaHandler(new LambdaClient({ endpoint, region: 'eu-west-3', credentials }), 'closer-notify');
  const event = { Records: [{ eventID: '1', dynamodb: { SequenceNumber: '100' } }] };

  it('invokes the function synchronously with the records and returns its partial batch response', async () => {
    lambdaAnswer = { payload: { batchItemFailures: [{ itemIdentifier: '100' }] } };
    seen.length = 0;

    const answer = await handler()(event, {} as Context);

    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: '100' }] });
    expect(seen[0]?.path).toBe('/2015-03-31/functions/closer-notify/invocations');
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual(event);
  });

  it('throws the function error, so the message stays in the queue', async () => {
    lambdaAnswer = { payload: { errorMessage: 'Task timed out' }, error: 'Unhandled' };

    await expect(handler()(event, {} as Context)).rejects.toThrow(
      'closer-notify failed (Unhandled): Task timed out',
    );
  });
});
