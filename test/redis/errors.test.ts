import { ReplyError } from 'ioredis';
import { isRedisUnavailable } from '../../src/redis/errors';

describe('which Redis failures a client sees as SERVICE_UNAVAILABLE', () => {
  it.each([
    "READONLY You can't write against a read only replica.",
    'LOADING Redis is loading the dataset in memory',
    "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
    'CLUSTERDOWN The cluster is down',
    'TRYAGAIN Multiple keys request during rehashing of slot',
  ])('a failover reply: %s', (message) => {
    expect(isRedisUnavailable(new ReplyError(message))).toBe(true);
  });

  it.each(['NOAUTH Authentication required.', 'WRONGPASS invalid username-password pair or user is disabled.'])(
    'a connection Redis did not let in: %s',
    (message) => {
      expect(isRedisUnavailable(new ReplyError(message))).toBe(true);
    },
  );

  it("a Redis busy running another client's long script", () => {
    expect(
      isRedisUnavailable(new ReplyError('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.')),
    ).toBe(true);
  });

  it.each([
    "Cluster isn't ready and enableOfflineQueue options is false",
    'Too many Cluster redirections. Last error: Error: Connection is closed.',
    'Failed to refresh slots cache.',
  ])('a cluster client that cannot reach the slot: %s', (message) => {
    expect(isRedisUnavailable(new Error(message))).toBe(true);
  });

  it.each([
    "ERR wrong number of arguments for 'hget' command",
    'WRONGTYPE Operation against a key holding the wrong kind of value',
    "CROSSSLOT Keys in request don't hash to the same slot",
    'NOSCRIPT No matching script.',
  ])('not a command Redis refused: %s', (message) => {
    expect(isRedisUnavailable(new ReplyError(message))).toBe(false);
  });
});
