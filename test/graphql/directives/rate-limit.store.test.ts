import { SlidingWindowStore } from '../../../src/graphql/directives/rate-limit.store';
import { redisBackends } from './backends';

const WINDOW_MS = 60_000;
const caller = { contextIdentity: 'sub:alice', fieldIdentity: 'ping' };

describe('SlidingWindowStore (rate-limit-hit.lua)', () => {
  const { backends, freshKeys } = redisBackends();
  afterEach(() => jest.restoreAllMocks());

  describe.each(backends)('on %s', (_name, connect) => {
    function storeWith(max: number) {
      const redis = connect();
      const keys = freshKeys();
      const keyOf = (identity: string) => keys.rateLimit(identity, 'Query.ping');
      return { redis, key: keyOf(caller.contextIdentity), store: new SlidingWindowStore(redis, keyOf, { max, windowMs: WINDOW_MS }) };
    }

    it('returns the earlier calls as exact integer timestamps and records this one', async () => {
      const { store } = storeWith(5);
      const now = jest.spyOn(Date, 'now');
      now.mockReturnValue(1_700_000_000_000);
      expect(await store.getForIdentity(caller)).toEqual([]);
      now.mockReturnValue(1_700_000_000_007);
      expect(await store.getForIdentity(caller)).toEqual([1_700_000_000_000]);
      now.mockReturnValue(1_700_000_000_009);
      expect(await store.getForIdentity(caller)).toEqual([1_700_000_000_000, 1_700_000_000_007]);
    });

    it('records two calls made in the same millisecond as two calls', async () => {
      const { store } = storeWith(5);
      jest.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000);
      await store.getForIdentity(caller);
      await store.getForIdentity(caller);
      expect(await store.getForIdentity(caller)).toHaveLength(2);
    });

    it('forgets calls older than the window', async () => {
      const { store } = storeWith(5);
      const now = jest.spyOn(Date, 'now');
      now.mockReturnValue(1_700_000_000_000);
      await store.getForIdentity(caller);
      now.mockReturnValue(1_700_000_000_000 + WINDOW_MS);
      expect(await store.getForIdentity(caller)).toEqual([]);
    });

    it('keeps at most max calls per caller, however often it is called', async () => {
      const { store, redis, key } = storeWith(3);
      for (let call = 0; call < 20; call += 1) await store.getForIdentity(caller);
      expect(await redis.zcard(key)).toBe(3);
      expect(await store.getForIdentity(caller)).toHaveLength(3);
    });

    it('lets the key expire one window after the last call', async () => {
      const { store, redis, key } = storeWith(3);
      await store.getForIdentity(caller);
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(WINDOW_MS - 5_000);
      expect(ttl).toBeLessThanOrEqual(WINDOW_MS);
    });

    it('gives a retry delay counted from the oldest recorded call', async () => {
      const { store } = storeWith(2);
      const now = jest.spyOn(Date, 'now');
      now.mockReturnValue(1_700_000_000_000);
      await store.getForIdentity(caller);
      now.mockReturnValue(1_700_000_015_000);
      await store.getForIdentity(caller);
      expect(await store.retryAfterSeconds(caller.contextIdentity)).toBe(45);
    });

    it('never gives a retry delay under one second', async () => {
      const { store } = storeWith(1);
      const now = jest.spyOn(Date, 'now');
      now.mockReturnValue(1_700_000_000_000);
      await store.getForIdentity(caller);
      now.mockReturnValue(1_700_000_000_000 + WINDOW_MS - 1);
      expect(await store.retryAfterSeconds(caller.contextIdentity)).toBe(1);
    });
  });
});
