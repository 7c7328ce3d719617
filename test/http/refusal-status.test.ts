import type Redis from 'ioredis';
import { useTestApps } from '../helpers/app';

const reset = (alias: string, threadId: string) =>
  `${alias}: resetWorkflow(input: { threadId: "${threadId}", reason: "stuck" }) { success }`;
const start = (alias: string, threadId: string) => `${alias}: startWorkflow(input: { threadId: "${threadId}" }) { threadId }`;

async function writeWorkflow(redis: Redis, threadId: string): Promise<void> {
  await redis.hset(`wave:workflow:${threadId}`, {
    thread_id: threadId,
    gate: '2',
    phase: 'running',
    created_at: '1000',
    updated_at: '1000',
  });
  await redis.zadd('wave:workflows', 1000, threadId);
}

describe('the HTTP status of a rate-limited operation (refusalStatusPlugin)', () => {
  const fixture = useTestApps({ app: { RESET_RATE_LIMIT: '1/1m' } });
  let operator: string;

  beforeEach(async () => {
    // A fresh user per test, so each test starts with a budget of one reset.
    operator = fixture.apps.app.token(['operator'], `operator-${expect.getState().currentTestName}`);
    await writeWorkflow(fixture.redis, 'wf-1');
    const first = await fixture.apps.app.request(`mutation { ${reset('first', 'wf-1')} }`, {}, operator);
    expect(first.status).toBe(200);
  });

  it('answers 429 with Retry-After when the only field of the operation is refused', async () => {
    const { status, headers, body } = await fixture.apps.app.request(`mutation { ${reset('again', 'wf-1')} }`, {}, operator);
    expect(status).toBe(429);
    const retryAfter = body.errors?.[0].extensions?.retryAfter;
    expect(body.errors?.[0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfter });
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(headers.get('retry-after')).toBe(String(retryAfter));
  });

  it('answers 200 when a field after the refused reset ran: the refusal costs only its own field', async () => {
    const query = `mutation { ${reset('again', 'wf-1')} ${start('created', 'wf-after')} }`;
    const { status, body } = await fixture.apps.app.request(query, {}, operator);
    expect(status).toBe(200);
    expect(body.data).toEqual({ again: null, created: { threadId: 'wf-after' } });
    expect(await fixture.redis.exists('wave:workflow:wf-after')).toBe(1);
  });

  it('answers 200 with the per-field RATE_LIMITED error when another field of the operation ran', async () => {
    const query = `mutation { ${start('created', 'wf-before')} ${reset('again', 'wf-1')} }`;
    const { status, headers, body } = await fixture.apps.app.request(query, {}, operator);
    expect(status).toBe(200);
    expect(headers.get('retry-after')).toBeNull();
    expect(body.errors).toEqual([
      expect.objectContaining({ path: ['again'], extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) } }),
    ]);
    // resetWorkflow is nullable, so its refusal nulls only itself.
    expect(body.data).toEqual({ created: { threadId: 'wf-before' }, again: null });
  });

  it('answers 200 when a field was refused for another reason than the rate limit', async () => {
    const query = `mutation { ${reset('again', 'wf-1')} }`;
    const { status, body } = await fixture.apps.app.request(query, {}, fixture.apps.app.token(['viewer']));
    expect(body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(status).toBe(200);
  });
});
