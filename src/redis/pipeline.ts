import type { RedisClient } from './client';

/** The replies of a pipeline or MULTI; a failed command is an unexpected error, not a domain one. */
export async function execValues<T>(pipeline: ReturnType<RedisClient['pipeline']>): Promise<T[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([error, value]) => {
    if (error) throw error;
    return value as T;
  });
}
