import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CODE_ATTEMPTS, type SignerCode } from '#domain/codes';
import type { DealEvent } from '#schemas/deals';
import { db, table } from './client.ts';
import { eventItem } from './deals.ts';
import { isConditionFailure, put, type TransactItem, transact } from './items.ts';
import { keys, TTL_ATTRIBUTE } from './keys.ts';
import { type NewWork, scheduleWorkItem } from './work.ts';

/** One-time codes before signing: one item per quote (the current code and the hour's issues). */

/** Kept a day after the last code (TTL): the hourly limit needs an hour, the evidence is on the quote. */
const KEEP_S = 24 * 60 * 60;

function toCode(item: Record<string, unknown>): SignerCode {
  return {
    id: String(item.id),
    hash: String(item.hash),
    to: String(item.to),
    sentAt: String(item.sentAt),
    expiresAt: String(item.validTo),
    attempts: Number(item.attempts ?? 0),
    issued: Array.isArray(item.issued) ? item.issued.map(String) : [],
    ...(typeof item.usedAt === 'string' ? { usedAt: item.usedAt } : {}),
  };
}

export async function getSignerCode(dealId: string, quoteId: string): Promise<SignerCode | undefined> {
  const out = await db.send(
    new GetCommand({ TableName: table(), Key: keys.signerCode(dealId, quoteId), ConsistentRead: true }),
  );
  return out.Item ? toCode(out.Item) : undefined;
}

/**
 * Replaces the quote's code with a new one, its timeline event and the email that carries it, in one
 * transaction, on the condition that the code read is still the current one (of two requests racing
 * for the hour's last code, one wins). False when it lost.
 */
export async function saveSignerCode(
  dealId: string,
  quoteId: string,
  previous: SignerCode | undefined,
  code: SignerCode,
  event: DealEvent,
  email: NewWork,
): Promise<boolean> {
  const { expiresAt: validTo, usedAt: _used, ...rest } = code;
  const item = {
    ...keys.signerCode(dealId, quoteId),
    entity: 'SignerCode',
    quoteId,
    ...rest,
    validTo,
    // The table's TTL attribute (epoch seconds).
    [TTL_ATTRIBUTE]: Math.floor(Date.parse(code.sentAt) / 1000) + KEEP_S,
  };
  const items: TransactItem[] = [
    put(
      item,
      previous
        ? { expression: '#id = :id', names: { '#id': 'id' }, values: { ':id': previous.id } }
        : { expression: 'attribute_not_exists(PK)' },
    ),
    put(eventItem(event), { expression: 'attribute_not_exists(PK)' }),
    scheduleWorkItem(email, code.sentAt),
  ];
  const result = await transact(items);
  return result.ok;
}

/**
 * Counts one try of the current code: false when it is no longer the one read, already used, or out
 * of tries (a wrong guess always costs a try, even when another request races it).
 */
export async function countCodeAttempt(dealId: string, quoteId: string, codeId: string): Promise<boolean> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.signerCode(dealId, quoteId),
        UpdateExpression: 'ADD #attempts :one',
        ConditionExpression: '#id = :id AND #attempts < :max AND attribute_not_exists(#used)',
        ExpressionAttributeNames: { '#attempts': 'attempts', '#id': 'id', '#used': 'usedAt' },
        ExpressionAttributeValues: { ':one': 1, ':id': codeId, ':max': CODE_ATTEMPTS },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** The transaction item that spends a code with the signature it allows (once). */
export function useCodeItem(dealId: string, quoteId: string, codeId: string, at: string): TransactItem {
  return {
    Update: {
      TableName: table(),
      Key: keys.signerCode(dealId, quoteId),
      UpdateExpression: 'SET #used = :at',
      ConditionExpression: '#id = :id AND attribute_not_exists(#used)',
      ExpressionAttributeNames: { '#used': 'usedAt', '#id': 'id' },
      ExpressionAttributeValues: { ':at': at, ':id': codeId },
    },
  };
}
