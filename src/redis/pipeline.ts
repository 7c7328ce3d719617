import type { RedisClient } from './client';

/** A pipeline's (or MULTI's) replies as values; a failed command is an unexpected error, not a domain one. */
export function valuesOf<T>(results: ReadonlyArray<[Error | null, unknown]>): T[] {
  return results.map(([error, value]) => {
    if (error) throw error;
    return value as T;
  });
}

/** The replies of a pipeline or MULTI; a failed command is an unexpected error, not a domain one. */
export async function execValues<T>(pipeline: ReturnType<RedisClient['pipeline']>): Promise<T[]> {
  return valuesOf<T>((await pipeline.exec()) ?? []);
}
