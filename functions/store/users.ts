import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { db, table } from './client.ts';
import { keys } from './keys.ts';

/** Remembers who a user is (from their token) so notices can reach the deal's owner. */
export async function rememberUser(user: { id: string; email: string; name: string }): Promise<void> {
  if (!user.email) return;
  await db.send(
    new PutCommand({ TableName: table(), Item: { ...keys.user(user.id), entity: 'User', ...user } }),
  );
}

export async function getUserProfile(
  userId: string,
): Promise<{ id: string; email: string; name: string } | undefined> {
  const out = await db.send(new GetCommand({ TableName: table(), Key: keys.user(userId) }));
  return out.Item ? { id: userId, email: String(out.Item.email), name: String(out.Item.name) } : undefined;
}
