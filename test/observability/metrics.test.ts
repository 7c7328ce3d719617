import { RedisServer } from '../helpers/redis-server';
import { DASHBOARD, ENQUEUE, ObservedApp, RESET, START } from './support';

/** The value of one sample of the exposition, e.g. `wave_resets_total{kind="reset"}`. */
function sample(exposition: string, series: string): number | undefined {
  const line = exposition.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  let server: RedisServer;
  let app: ObservedApp;
  let exposition: string;
  let contentType: string | null;

  beforeAll(async () => {
    server = await RedisServer.start();
    app = await ObservedApp.start(server, { RESET_RATE_LIMIT: '1/1m' });
    const operator = app.token(['operator'], 'ops');
    await app.graphql(DASHBOARD, {}, { token: app.token(['viewer']) });
    await app.graphql(DASHBOARD, {}, { token: app.token(['viewer']) });
    await app.graphql(START, { threadId: 'wf-m' }, { token: operator });
    await app.graphql(ENQUEUE, { input: { threadId: 'wf-m', domain: 'QA', data: {} } }, { token: operator });
    await app.graphql(ENQUEUE, { input: { threadId: 'wf-m', domain: 'FE', data: {} } }, { token: operator });
    const input = { threadId: 'wf-m', reason: 'metrics', resetToGate: 0 };
    await app.graphql(RESET, { input: { ...input, dryRun: true } }, { token: operator });
    await app.graphql(RESET, { input }, { token: operator });
    const refused = await app.graphql(RESET, { input }, { token: operator });
    expect(refused.status).toBe(429);
    await app.graphql(`query { nope }`);
    const response = await app.get('/metrics');
    expect(response.status).toBe(200);
    exposition = response.text;
    contentType = response.headers.get('content-type');
  });
  afterAll(async () => {
    await app.stop();
    await server.dispose();
  });

  it('answers in the Prometheus text format, with the default process metrics', () => {
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(exposition).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(exposition).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
  });

  it('counts operations by name and outcome: ok, or the error code', () => {
    expect(sample(exposition, 'wave_graphql_operations_total{operation="Dashboard",outcome="ok"}')).toBe(2);
    expect(sample(exposition, 'wave_graphql_operations_total{operation="Reset",outcome="ok"}')).toBe(2);
    expect(sample(exposition, 'wave_graphql_operations_total{operation="Reset",outcome="RATE_LIMITED"}')).toBe(1);
    expect(sample(exposition, 'wave_graphql_operations_total{operation="invalid",outcome="GRAPHQL_VALIDATION_FAILED"}')).toBe(1);
  });

  it('keeps a latency histogram per operation', () => {
    expect(sample(exposition, 'wave_graphql_operation_duration_seconds_count{operation="Dashboard"}')).toBe(2);
    expect(sample(exposition, 'wave_graphql_operation_duration_seconds_bucket{le="+Inf",operation="Reset"}')).toBe(3);
  });

  it('counts rate-limit rejections', () => {
    expect(sample(exposition, 'wave_rate_limit_rejections_total{operation="Reset"}')).toBe(1);
  });

  it('counts real resets apart from previews, and the tasks and results they cleared', () => {
    expect(sample(exposition, 'wave_resets_total{kind="reset"}')).toBe(1);
    expect(sample(exposition, 'wave_resets_total{kind="preview"}')).toBe(1);
    expect(sample(exposition, 'wave_reset_cleared_items_total{item="tasks"}')).toBe(2);
    expect(sample(exposition, 'wave_reset_cleared_items_total{item="results"}')).toBe(0);
  });

  it("times the server's Redis round trips, scripts by name, and shows the connection ready", () => {
    const observed = (command: string) => sample(exposition, `wave_redis_command_duration_seconds_count{command="${command}"}`);
    // The preview and the real reset; the refused third never reached the script.
    expect(observed('script:resetWorkflow')).toBe(2);
    expect(observed('script:enqueueTask')).toBe(2);
    expect(observed('evalsha')).toBeUndefined();
    // The dashboard reads the workflows index on its own, then the page's records in one pipeline.
    expect(observed('zrangebyscore')).toBeGreaterThanOrEqual(2);
    expect(observed('pipeline')).toBeGreaterThanOrEqual(2);
    expect(observed('hgetall')).toBeUndefined();
    expect(sample(exposition, 'wave_redis_connected')).toBe(1);
  });
});
