import { ErrorCode } from '../error-codes';
import { WorkflowError, type IndexOrder } from './workflow.types';

/** A position in the workflows index: the creation score and the member, which breaks ties. */
export interface IndexPosition {
  score: number;
  threadId: string;
}

export function encodeCursor(position: IndexPosition): string {
  return Buffer.from(JSON.stringify([position.score, position.threadId]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): IndexPosition {
  const invalid = new WorkflowError(ErrorCode.BAD_USER_INPUT, 'after is not a cursor returned by this API', 'after');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 2 ||
    typeof decoded[0] !== 'number' ||
    !Number.isFinite(decoded[0]) ||
    typeof decoded[1] !== 'string'
  ) {
    throw invalid;
  }
  return { score: decoded[0], threadId: decoded[1] };
}

/** Whether `entry` comes after `position` in Redis order: by score, then by member bytes. */
export function isAfter(entry: IndexPosition, position: IndexPosition): boolean {
  if (entry.score !== position.score) return entry.score > position.score;
  return Buffer.compare(Buffer.from(entry.threadId), Buffer.from(position.threadId)) > 0;
}

/** Whether `entry` comes after `position` walking in `order` (newest first: Redis order reversed). */
export function isAfterIn(order: IndexOrder, entry: IndexPosition, position: IndexPosition): boolean {
  return order === 'oldest_first' ? isAfter(entry, position) : isAfter(position, entry);
}
