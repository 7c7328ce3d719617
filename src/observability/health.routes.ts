import { Router } from 'express';
import type { Logger } from 'pino';
import type { RedisClient } from '../redis/client';
import { scriptsDefined } from '../redis/scripts';
import type { Metrics } from './metrics';

/** How long /readyz waits for Redis's PONG: a probe must answer well inside an orchestrator's timeout. */
export const READINESS_TIMEOUT_MS = 500;

export type Readiness = { ready: true } | { ready: false; reason: string };

/**
 * A read of `probeKey` (EXISTS, as cheap as PING): in a Redis Cluster it reaches the shard holding
 * WAVE's slot, where PING would ask any node.
 */
async function readWithin(redis: RedisClient, probeKey: string, timeoutMs: number): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, reason: `redis did not answer within ${timeoutMs} ms` }), timeoutMs);
  });
  // A late failure after the timeout is swallowed here: the probe already answered.
  const read = redis.exists(probeKey).then(
    (): Readiness => ({ ready: true }),
    (): Readiness => ({ ready: false, reason: 'redis did not answer a read' }),
  );
  try {
    return await Promise.race([read, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Ready when the Lua scripts are defined on the client, its connection is ready (the embedded
 * ioredis-mock has no status) and Redis answers a read of `probeKey` (a WAVE key) in time. Redis's own
 * script cache needs no check: ioredis sends a script's source (EVAL) the first time it runs on each
 * connection.
 */
export async function checkReadiness(redis: RedisClient, probeKey: string, timeoutMs = READINESS_TIMEOUT_MS): Promise<Readiness> {
  if (!scriptsDefined(redis)) {
    return { ready: false, reason: 'the Lua scripts are not defined on the redis client' };
  }
  if (redis.status !== undefined && redis.status !== 'ready') {
    return { ready: false, reason: `redis connection is ${redis.status}` };
  }
  return readWithin(redis, probeKey, timeoutMs);
}

/**
 * GET /healthz: the process is alive and serving (always 200). GET /readyz: 200 when Redis is usable,
 * else 503 with the reason. GET /metrics: Prometheus text format. Readiness changes are logged once each,
 * not on every probe.
 */
export function healthRoutes(redis: RedisClient, probeKey: string, metrics: Metrics, logger: Logger): Router {
  const router = Router();
  let wasReady: boolean | undefined;

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const readiness = await checkReadiness(redis, probeKey);
    if (readiness.ready !== wasReady) {
      if (readiness.ready) logger.info('ready: redis answers');
      else logger.warn({ reason: readiness.reason }, 'not ready');
      wasReady = readiness.ready;
    }
    if (readiness.ready) {
      res.json({ status: 'ok' });
    } else {
      res.status(503).json({ status: 'unavailable', reason: readiness.reason });
    }
  });

  router.get('/metrics', async (_req, res) => {
    res.set('content-type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  return router;
}
