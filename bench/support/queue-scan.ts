/**
 * Which of some task ids are still queued, read in chunks (LRANGE of 10k ids at a time) so that the
 * check never holds Redis for long itself.
 */
import type Redis from 'ioredis';

const CHUNK = 10_000;
/** A queue whose length changed during a read is read again, at most this often. */
const REREADS = 5;
const POLL_INTERVAL_MS = 100;

/** The entries of `ids` in `queues`, one element per entry (an id queued twice is there twice). */
export async function queuedEntries(redis: Redis, queues: readonly string[], ids: ReadonlySet<string>): Promise<string[]> {
  const found: string[] = [];
  for (const queue of queues) found.push(...(await queuedIn(redis, queue, ids)));
  return found;
}

/**
 * Nobody pushes during a benchmark, so a queue whose length is the same before and after the read
 * lost nothing meanwhile: no entry was skipped by the shift that a removal ahead of the read causes.
 */
async function queuedIn(redis: Redis, queue: string, ids: ReadonlySet<string>): Promise<string[]> {
  for (let read = 0; read < REREADS; read += 1) {
    const length = await redis.llen(queue);
    const found: string[] = [];
    for (let start = 0; start < length; start += CHUNK) {
      for (const id of await redis.lrange(queue, start, start + CHUNK - 1)) if (ids.has(id)) found.push(id);
    }
    if ((await redis.llen(queue)) === length) return found;
  }
  throw new Error(`${queue} kept changing while it was read`);
}

export interface Dequeuing {
  /** Entries of the ids still queued at the last read. */
  left: string[];
  /** Milliseconds from the answer to the first read that found none; null when some were left at the limit. */
  clearedAfterMs: number | null;
  /** Reads of the queues made: 1 when none was left already at the answer. */
  reads: number;
}

/** Reads the queues until none of `ids` is queued or `limitMs` passed since `answeredAt` (performance.now()). */
export async function waitUntilDequeued(
  redis: Redis,
  queues: readonly string[],
  ids: ReadonlySet<string>,
  answeredAt: number,
  limitMs: number,
): Promise<Dequeuing> {
  for (let reads = 1; ; reads += 1) {
    const readAt = performance.now();
    const left = await queuedEntries(redis, queues, ids);
    if (left.length === 0) return { left, clearedAfterMs: Math.max(0, readAt - answeredAt), reads };
    if (performance.now() - answeredAt >= limitMs) return { left, clearedAfterMs: null, reads };
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
