import { NotFoundError, ValidationError } from '#domain/errors';
import type { Collection } from '#store/keys';
import { createRecord, getRecord, getRecords, listRecords, type Page, patchRecord } from '#store/records';
import { systemClock } from './clock.ts';

/** Contacts, companies and products: create, read, update, list. */

export async function createEntry<T extends object>(
  collection: Collection,
  input: T,
): Promise<T & { id: string }> {
  const { now, newId } = systemClock();
  return createRecord(collection, { ...input, id: newId(), createdAt: now, updatedAt: now });
}

export function getEntry<T>(collection: Collection, id: string): Promise<T> {
  return getRecord<T>(collection, id);
}

export function updateEntry<T>(
  collection: Collection,
  id: string,
  patch: Record<string, unknown>,
): Promise<T> {
  return patchRecord<T>(collection, id, patch, systemClock().now);
}

export function listEntries<T>(
  collection: Collection,
  cursor: string | undefined,
  limit: number,
): Promise<Page<T>> {
  return listRecords<T>(collection, cursor, limit);
}

/** A reference in a request body must point at something that exists: 422 otherwise. */
export async function assertExists(
  collection: Collection,
  id: string | undefined | null,
  path: string,
): Promise<void> {
  if (id === undefined || id === null) return;
  try {
    await getRecord(collection, id);
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new ValidationError(`unknown ${collection.toLowerCase()}`, [
        { path, message: `no ${collection.toLowerCase()} "${id}"` },
      ]);
    }
    throw error;
  }
}

export { getRecords };
