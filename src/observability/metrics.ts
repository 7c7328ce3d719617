import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Distinct operation names kept as label values; later ones count as `other`, so a client cannot explode the series. */
const MAX_OPERATION_LABELS = 200;
/** A GraphQL name, short enough to be a label. */
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/** Seconds: from a cached read (a few ms) to a large batch reset (seconds). */
const OPERATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds: loopback round trips are sub-millisecond, a managed Redis a few ms, a failing one the command timeout. */
const REDIS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Label values for what no named operation covers. */
export const OPERATION_ANONYMOUS = 'anonymous';
/** The document did not parse or validate, so it named no operation we can trust. */
export const OPERATION_INVALID = 'invalid';
export const OPERATION_OTHER = 'other';

/** Every metric the server exposes on GET /metrics, in a registry of its own (no globals). */
export class Metrics {
  readonly registry = new Registry();
  private readonly operationLabels = new Set<string>();

  readonly operations = new Counter({
    name: 'wave_graphql_operations_total',
    help: 'GraphQL operations answered, by operation name and outcome (ok, or the first error code).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly operationDuration = new Histogram({
    name: 'wave_graphql_operation_duration_seconds',
    help: 'Time from the start of a GraphQL operation to its response, by operation name.',
    labelNames: ['operation'] as const,
    buckets: OPERATION_BUCKETS,
    registers: [this.registry],
  });

  readonly rateLimitRejections = new Counter({
    name: 'wave_rate_limit_rejections_total',
    help: 'Fields refused with RATE_LIMITED, by operation name.',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });

  readonly resets = new Counter({
    name: 'wave_resets_total',
    help: 'Workflow resets that happened (kind=reset) and previews computed (kind=preview); replays are not counted again.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly resetClearedItems = new Counter({
    name: 'wave_reset_cleared_items_total',
    help: 'Items removed by real resets, by item (tasks, results).',
    labelNames: ['item'] as const,
    registers: [this.registry],
  });

  readonly redisCommandDuration = new Histogram({
    name: 'wave_redis_command_duration_seconds',
    help:
      "Redis round trips as the server's client sees them: a command outside pipelines by name, a Lua script as script:<name>, " +
      'a whole pipeline as pipeline and a MULTI/EXEC as multi (once each, not per command in it).',
    labelNames: ['command'] as const,
    buckets: REDIS_BUCKETS,
    registers: [this.registry],
  });

  readonly subscriptionsActive = new Gauge({
    name: 'wave_subscriptions_active',
    help: 'GraphQL subscriptions streaming now (over graphql-ws), by operation name.',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });

  readonly subscriptions = new Counter({
    name: 'wave_subscriptions_total',
    help: 'GraphQL subscriptions asked for, by operation name and outcome (started, or the error code that refused it).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly workflowEventsIgnored = new Counter({
    name: 'wave_workflow_events_ignored_total',
    help:
      'Messages on wave:results and wave:events that delivered no event, ' +
      'by channel and reason (unreadable, unknown_task, owner_unreadable).',
    labelNames: ['channel', 'reason'] as const,
    registers: [this.registry],
  });

  readonly redisConnected = new Gauge({
    name: 'wave_redis_connected',
    help: "1 while the server's Redis connection is ready, 0 while it is connecting, reconnecting or closed.",
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** The label value for an operation: its name while there is room for new names, else `other`. */
  operationLabel(name: string | null | undefined, resolved: boolean): string {
    if (!resolved) return OPERATION_INVALID;
    if (!name) return OPERATION_ANONYMOUS;
    if (!OPERATION_NAME.test(name)) return OPERATION_OTHER;
    if (this.operationLabels.has(name)) return name;
    if (this.operationLabels.size >= MAX_OPERATION_LABELS) return OPERATION_OTHER;
    this.operationLabels.add(name);
    return name;
  }
}
