/**
 * 1. Reset cost against keyspace size: our reset (one Lua script over the workflow's own keys and
 * the queues), in both ways of finding tasks (sweeping the queues, the default, and index only,
 * RESET_SWEEP_QUEUES=false), beside the naive way (SCAN MATCH *<id>* + DEL + LREM) and a
 * tuned scan (COUNT 1000), on one real redis-server, in the same run.
 */
import type Redis from 'ioredis';
import { loadConfig } from '../src/config';
import { connectRedis } from '../src/redis/client';
import { RedisKeys } from '../src/redis/keys';
import { ResetService } from '../src/workflows/reset.service';
import { DOMAINS } from '../src/workflows/workflow.types';
import { fillKeyspace, RedisServer } from './support/redis';
import type { BenchOptions, Figure } from './support/report';
import { latencyOf, ms, timed, type Latency } from './support/stats';

const keys = new RedisKeys('wave');
const THREAD_ID = 'bench-reset-wf';
const WORKFLOW_TASKS = 50;
const OTHER_TASKS = 10_000;

interface Plan {
  sizes: number[];
  ours: number;
  /** Runs of the naive scan and of the tuned scan per size: a full scan of 1M keys takes seconds. */
  note: (size: number) => number;
  tuned: number;
}

const QUICK: Plan = { sizes: [0, 100_000], ours: 40, note: () => 1, tuned: 3 };
const FULL: Plan = { sizes: [0, 100_000, 1_000_000], ours: 200, note: (size) => (size >= 1_000_000 ? 2 : size > 0 ? 4 : 20), tuned: 8 };

/** 10k tasks of other workflows spread over the domain queues, with their records. */
async function seedOtherTasks(redis: Redis): Promise<void> {
  const pipeline = redis.pipeline();
  for (let n = 0; n < OTHER_TASKS; n += 1) {
    const domain = DOMAINS[n % DOMAINS.length];
    const owner = `other-wf-${n % 500}`;
    pipeline.hset(keys.task(`other-${n}`), 'thread_id', owner, 'status', 'pending', 'queue', domain, 'enqueued_at', '1767225600000');
    pipeline.lpush(keys.queue(domain), `other-${n}`);
  }
  await pipeline.exec();
}

/** The workflow under reset: a record, 50 indexed and queued tasks (ids carry the thread id, as the naive scan assumes) and some results. */
async function seedWorkflow(redis: Redis): Promise<void> {
  const now = String(Date.now());
  const pipeline = redis.pipeline();
  pipeline.hset(keys.workflow(THREAD_ID), 'thread_id', THREAD_ID, 'gate', '3', 'phase', 'running', 'created_at', now, 'updated_at', now);
  pipeline.zadd(keys.workflowIndex, now, THREAD_ID);
  for (let i = 0; i < WORKFLOW_TASKS; i += 1) {
    const taskId = `${THREAD_ID}-t${i}`;
    const domain = DOMAINS[i % DOMAINS.length];
    pipeline.hset(
      keys.task(taskId),
      'thread_id',
      THREAD_ID,
      'data',
      `{"thread_id":"${THREAD_ID}","step":${i}}`,
      'status',
      i % 3 === 0 ? 'in_progress' : 'pending',
      'queue',
      domain,
      'enqueued_at',
      now,
    );
    pipeline.sadd(keys.workflowTasks(THREAD_ID), taskId);
    pipeline.lpush(keys.queue(domain), taskId);
    if (i % 5 === 0) pipeline.set(keys.result(taskId), '{"ok":true}');
  }
  await pipeline.exec();
}

/** The naive reset, a keyspace scan, reimplemented here only as the baseline: scan the keyspace for the id. */
async function scanReset(redis: Redis, threadId: string, count?: number): Promise<void> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = count
      ? await redis.scan(cursor, 'MATCH', `*${threadId}*`, 'COUNT', count)
      : await redis.scan(cursor, 'MATCH', `*${threadId}*`);
    found.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  const taskIds = found.filter((key) => key.startsWith(keys.taskKeyPrefix)).map((key) => key.slice(keys.taskKeyPrefix.length));
  const pipeline = redis.pipeline();
  if (found.length > 0) pipeline.del(...found);
  for (const queue of DOMAINS.map((domain) => keys.queue(domain))) for (const taskId of taskIds) pipeline.lrem(queue, 0, taskId);
  await pipeline.exec();
}

async function measure(redis: Redis, runs: number, reset: () => Promise<unknown>): Promise<Latency> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    await seedWorkflow(redis);
    samples.push(await timed(reset));
    if (await redis.exists(keys.task(`${THREAD_ID}-t0`))) throw new Error('the reset left a task record behind');
  }
  return latencyOf(samples);
}

export async function resetBenchmark({ quick, log }: BenchOptions): Promise<Figure[]> {
  const plan = quick ? QUICK : FULL;
  const server = await RedisServer.start();
  const redis = connectRedis(server.url, loadConfig({}).redis);
  const resetWith = (sweepQueues: boolean) => {
    const service = new ResetService(redis, keys, { maxGate: 7, sweepQueues });
    return () =>
      service.resetWorkflow({ threadId: THREAD_ID, resetToGate: 0, clearTasks: true, clearResults: true, reason: 'bench', actor: 'bench' });
  };
  const ours = resetWith(true);
  const indexOnly = resetWith(false);
  const rows: Array<{ size: number; ours: Latency; indexOnly: Latency; note: Latency; tuned: Latency }> = [];
  try {
    for (const size of plan.sizes) {
      await redis.flushall();
      await fillKeyspace(redis, size);
      await seedOtherTasks(redis);
      log(`reset: ${await redis.dbsize()} keys; ours ×${plan.ours} each way, note ×${plan.note(size)}, tuned ×${plan.tuned}`);
      await measure(redis, 5, ours); // warm-up: loads the script, fills caches
      const row = {
        size,
        ours: await measure(redis, plan.ours, ours),
        indexOnly: await measure(redis, plan.ours, indexOnly),
        note: await measure(redis, plan.note(size), () => scanReset(redis, THREAD_ID)),
        tuned: await measure(redis, plan.tuned, () => scanReset(redis, THREAD_ID, 1000)),
      };
      log(
        `reset @${size}: ours ${ms(row.ours.median)} (p99 ${ms(row.ours.p99)}), index only ${ms(row.indexOnly.median)}, note ${ms(row.note.median)}, tuned ${ms(row.tuned.median)}`,
      );
      rows.push(row);
    }
  } finally {
    redis.disconnect();
    await server.dispose();
  }
  const ways = [
    { name: 'ours', latency: (row: (typeof rows)[number]) => row.ours },
    { name: 'ours, index only', latency: (row: (typeof rows)[number]) => row.indexOnly },
  ];
  const figures: Figure[] = rows.flatMap((row) => {
    const at = `@ ${row.size.toLocaleString('en')} keys`;
    return [
      ...ways.map(({ name, latency }) => ({
        benchmark: '1 reset',
        measure: `${name} ${at} (median / p99, n=${latency(row).n})`,
        value: `${ms(latency(row).median)} / ${ms(latency(row).p99)}`,
      })),
      {
        benchmark: '1 reset',
        measure: `note's SCAN ${at} (median / p99, n=${row.note.n})`,
        value: `${ms(row.note.median)} / ${ms(row.note.p99)}`,
      },
      {
        benchmark: '1 reset',
        measure: `tuned SCAN COUNT 1000 ${at} (median / p99, n=${row.tuned.n})`,
        value: `${ms(row.tuned.median)} / ${ms(row.tuned.p99)}`,
      },
    ];
  });
  const first = rows[0];
  const last = rows[rows.length - 1];
  const at = `@ ${last.size.toLocaleString('en')} keys`;
  for (const { name, latency } of ways) {
    const growth = latency(last).median / latency(first).median;
    const vsNote = last.note.median / latency(last).median;
    const vsTuned = last.tuned.median / latency(last).median;
    figures.push(
      {
        benchmark: '1 reset',
        measure: `${name} ${at} / @ 0 keys (median)`,
        value: `${growth.toFixed(2)}x`,
        target: '≤ 1.5x',
        met: growth <= 1.5,
      },
      {
        benchmark: '1 reset',
        measure: `note's way / ${name} ${at}`,
        value: `${vsNote.toFixed(0)}x`,
        target: '≥ 1000x (at 1M)',
        met: vsNote >= 1000,
      },
      {
        benchmark: '1 reset',
        measure: `tuned scan / ${name} ${at}`,
        value: `${vsTuned.toFixed(0)}x`,
        target: '≥ 200x (at 1M)',
        met: vsTuned >= 200,
      },
    );
  }
  return figures;
}
