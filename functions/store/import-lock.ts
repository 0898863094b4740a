import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { db, table } from './client.ts';
import { isConditionFailure } from './items.ts';
import { keys } from './keys.ts';

export interface ImportLease {
  id: string;
  holderId: string;
  holderName: string;
  startedAt: string;
  /** When the lease lapses if its holder never releases it (a function that died mid-import). */
  until: string;
}

/**
 * Takes the import lease unless someone else holds a live one: one conditional write. Answers the
 * current holder's lease when it is taken.
 */
export async function acquireImportLease(
  lease: ImportLease,
): Promise<{ ok: true } | { ok: false; holder: ImportLease | undefined }> {
  try {
    await db.send(
      new PutCommand({
        TableName: table(),
        Item: { ...keys.importLock(), entity: 'ImportLock', ...lease },
        ConditionExpression: 'attribute_not_exists(PK) OR #until < :now',
        ExpressionAttributeNames: { '#until': 'until' },
        ExpressionAttributeValues: { ':now': lease.startedAt },
      }),
    );
    return { ok: true };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const out = await db.send(
      new GetCommand({ TableName: table(), Key: keys.importLock(), ConsistentRead: true }),
    );
    return { ok: false, holder: out.Item as ImportLease | undefined };
  }
}

/** Gives the lease back, if it is still this one (a lapsed lease may have been taken since). */
export async function releaseImportLease(id: string): Promise<void> {
  try {
    await db.send(
      new DeleteCommand({
        TableName: table(),
        Key: keys.importLock(),
        ConditionExpression: '#id = :id',
        ExpressionAttributeNames: { '#id': 'id' },
        ExpressionAttributeValues: { ':id': id },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}
