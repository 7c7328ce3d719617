import type { RedisClient } from '../../src/redis/client';

/**
 * Counts a client's round trips: the writes to its socket in one tick (a single command, a pipeline,
 * or those of sibling resolvers) are one batch sent together and waited for together.
 */
export class RoundTripCounter {
  count = 0;
  private batchOpen = false;

  private constructor(redis: RedisClient) {
    const stream = (redis as unknown as { stream: { write: (...args: unknown[]) => boolean } }).stream;
    const write = stream.write.bind(stream);
    stream.write = (...args: unknown[]) => {
      if (!this.batchOpen) {
        this.count += 1;
        this.batchOpen = true;
        setImmediate(() => (this.batchOpen = false));
      }
      return write(...args);
    };
  }

  /** Counts from now on; the client must be connected (its socket is replaced on reconnection). */
  static async attach(redis: RedisClient): Promise<RoundTripCounter> {
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
    return new RoundTripCounter(redis);
  }

  /** Round trips `run` took. */
  async during(run: () => Promise<unknown>): Promise<number> {
    const before = this.count;
    await run();
    return this.count - before;
  }
}
