import Redis from 'ioredis';
import { BACKENDS, NOW, keys, resetRequest, useBackend, writeTask, writeWorkflow } from './support';

describe.each(BACKENDS)('the reset audit on %s', (backendName) => {
  let clock = NOW;
  const backend = useBackend(backendName, () => clock);
  beforeEach(() => {
    clock = NOW;
  });

  async function resetAt(threadId: string, at: number, overrides: Parameters<typeof resetRequest>[1] = {}) {
    clock = at;
    return backend.resets.resetWorkflow(resetRequest(threadId, overrides));
  }

  it('records a reset with who, why, what was asked and cleared, and the state before and after', async () => {
    await writeWorkflow(backend.redis, 'wf-a', { gate: 4, phase: 'blocked' });
    await writeTask(backend.redis, { id: 't-1', threadId: 'wf-a', queued: true, result: { ok: 1 } });
    await resetAt('wf-a', NOW + 5, { resetToGate: 2, actor: 'alice', reason: 'safety block', requestId: 'req-9' });
    const { nodes: entries } = await backend.audit.listResetAudit({ first: 10 });
    expect(entries).toEqual([
      {
        id: expect.any(String),
        kind: 'reset',
        threadId: 'wf-a',
        actor: 'alice',
        reason: 'safety block',
        requestId: 'req-9',
        at: new Date(NOW + 5),
        targetGate: 2,
        clearTasks: true,
        clearResults: true,
        planToken: null,
        cleared: { tasks: 1, results: 1, queues: ['fe'] },
        before: { gate: 4, phase: 'blocked', attempt: 0 },
        after: { gate: 2, phase: 'pending', attempt: 1 },
      },
    ]);
  });

  it('records a preview as such, with its token and no after state, and the reset it confirmed', async () => {
    await writeWorkflow(backend.redis, 'wf-a', { gate: 3, phase: 'running' });
    const { plan } = await backend.resets.resetWorkflow(resetRequest('wf-a', { dryRun: true, requestId: 'req-p' }));
    await resetAt('wf-a', NOW + 1, { planToken: plan!.planToken });
    const { nodes: entries } = await backend.audit.listResetAudit({ first: 10 });
    expect(entries.map(({ kind, planToken, requestId, before, after }) => ({ kind, planToken, requestId, before, after }))).toEqual([
      {
        kind: 'reset',
        planToken: plan!.planToken,
        requestId: null,
        before: { gate: 3, phase: 'running', attempt: 0 },
        after: { gate: 0, phase: 'pending', attempt: 1 },
      },
      { kind: 'preview', planToken: plan!.planToken, requestId: 'req-p', before: { gate: 3, phase: 'running', attempt: 0 }, after: null },
    ]);
  });

  it('shows no before state for a workflow that had no record', async () => {
    await writeTask(backend.redis, { id: 'orphan', threadId: 'wf-orphan', queued: true, indexed: false });
    await resetAt('wf-orphan', NOW);
    const { nodes: entries } = await backend.audit.listResetAudit({ first: 1 });
    expect(entries[0]).toMatchObject({ before: null, after: { gate: 0, phase: 'pending', attempt: 1 } });
  });

  it('pages newest first, continuing strictly after the cursor', async () => {
    for (let i = 0; i < 5; i++) await writeWorkflow(backend.redis, `wf-${i}`);
    for (let i = 0; i < 5; i++) await resetAt(`wf-${i}`, NOW + i);
    const pages: string[][] = [];
    let after: string | null = null;
    for (;;) {
      const page = await backend.audit.listResetAudit({ first: 2, after });
      pages.push(page.nodes.map((entry) => entry.threadId));
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
    expect(pages).toEqual([['wf-4', 'wf-3'], ['wf-2', 'wf-1'], ['wf-0']]);
  });

  it("lists one workflow's own entries from its own stream", async () => {
    await writeWorkflow(backend.redis, 'wf-a');
    await writeWorkflow(backend.redis, 'wf-b');
    await resetAt('wf-a', NOW + 1, { reason: 'first' });
    await resetAt('wf-b', NOW + 2);
    await resetAt('wf-a', NOW + 3, { reason: 'second' });
    const page = await backend.audit.listResetAudit({ threadId: 'wf-a', first: 10 });
    expect(page.nodes.map((entry) => [entry.threadId, entry.reason])).toEqual([
      ['wf-a', 'second'],
      ['wf-a', 'first'],
    ]);
    expect(await backend.audit.listResetAudit({ threadId: 'wf-none', first: 10 })).toEqual({
      nodes: [],
      endCursor: null,
      hasNextPage: false,
    });
  });

  it("pages one workflow's trail with ids that name the workflow, and refuses a cursor of another trail", async () => {
    await writeWorkflow(backend.redis, 'wf-a');
    for (let i = 0; i < 3; i++) await resetAt('wf-a', NOW + i, { reason: `reset ${i}` });
    const first = await backend.audit.listResetAudit({ threadId: 'wf-a', first: 2 });
    expect(first.nodes.map((entry) => entry.id)).toEqual([expect.stringMatching(/^wf-a\/\d+-\d+$/), expect.stringMatching(/^wf-a\//)]);
    const next = await backend.audit.listResetAudit({ threadId: 'wf-a', first: 2, after: first.endCursor });
    expect(next.nodes.map((entry) => entry.reason)).toEqual(['reset 0']);
    await expect(backend.audit.listResetAudit({ threadId: 'wf-b', first: 2, after: first.endCursor })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'after',
    });
    await expect(backend.audit.listResetAudit({ first: 2, after: first.endCursor })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'after',
    });
  });

  it('writes no entry for a refused reset', async () => {
    await writeWorkflow(backend.redis, 'wf-a', { gate: 3 });
    await expect(resetAt('wf-a', NOW, { expectedGate: 1 })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    expect(await backend.redis.exists(keys.audit, keys.workflowAudit('wf-a'))).toBe(0);
  });

  it.each([
    ['a first of 0', { first: 0 }, 'first'],
    ['a first above 100', { first: 101 }, 'first'],
    ['a cursor that is not an entry id', { first: 10, after: 'abc' }, 'after'],
    ['an empty cursor', { first: 10, after: '' }, 'after'],
    ['a bad thread id', { first: 10, threadId: 'a:tasks' }, 'threadId'],
  ])('refuses %s with BAD_USER_INPUT', async (_label, options, field) => {
    await expect(backend.audit.listResetAudit(options)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});

describe('reset events on redis-server', () => {
  const backend = useBackend('redis-server');

  it('publishes workflow.reset with the new attempt on the events channel, as valid JSON for any id', async () => {
    const threadId = 'wf "quoted" \\ é';
    await writeWorkflow(backend.redis, threadId);
    const subscriber = new Redis(backend.server!.url);
    await subscriber.subscribe(keys.eventsChannel);
    const message = new Promise<string>((resolve) => subscriber.on('message', (_channel, text: string) => resolve(text)));
    await backend.resets.resetWorkflow(resetRequest(threadId, { resetToGate: 2 }));
    expect(JSON.parse(await message)).toEqual({ type: 'workflow.reset', threadId, attempt: 1, gate: 2, at: NOW });
    subscriber.disconnect();
  });

  it('publishes nothing for a preview', async () => {
    await writeWorkflow(backend.redis, 'wf-quiet');
    const subscriber = new Redis(backend.server!.url);
    await subscriber.subscribe(keys.eventsChannel);
    const messages: string[] = [];
    subscriber.on('message', (_channel, text: string) => messages.push(text));
    await backend.resets.resetWorkflow(resetRequest('wf-quiet', { dryRun: true }));
    await backend.resets.resetWorkflow(resetRequest('wf-quiet'));
    await new Promise<void>((resolve) => (messages.length > 0 ? resolve() : subscriber.once('message', () => resolve())));
    expect(messages.map((text) => JSON.parse(text).type)).toEqual(['workflow.reset']);
    subscriber.disconnect();
  });
});
