import { useTestApp } from '../helpers/app';
import { writeWorkflow } from '../workflows/support';

const reset = (alias: string, threadId: string) =>
  `${alias}: resetWorkflow(input: { threadId: "${threadId}", reason: "stuck" }) { success threadId newState { gate phase } }`;

describe('a mutation of several fields, over HTTP on a real Redis: a refused or failed field costs only itself', () => {
  const fixture = useTestApp({ RESET_RATE_LIMIT: '5/1m' });
  let operator: string;

  beforeEach(() => {
    // A fresh user per test, so each test starts with a full budget of five resets.
    operator = fixture.app.token(['operator'], `operator-${expect.getState().currentTestName}`);
  });

  it('keeps the answers of the resets that happened beside the error of the one that was refused', async () => {
    await writeWorkflow(fixture.redis, 'wf-a');
    await writeWorkflow(fixture.redis, 'wf-b');
    const query = `mutation { ${reset('a', 'wf-a')} ${reset('b', 'wf-b')} ${reset('c', '')} }`;
    const { status, body } = await fixture.app.request(query, {}, operator);
    expect(status).toBe(200);
    expect(body.data).toEqual({
      a: { success: true, threadId: 'wf-a', newState: { gate: 0, phase: 'PENDING' } },
      b: { success: true, threadId: 'wf-b', newState: { gate: 0, phase: 'PENDING' } },
      c: null,
    });
    expect(body.errors).toEqual([
      expect.objectContaining({ path: ['c'], extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    ]);
  });

  it('keeps the five summaries of ten aliased resets that ran, and a RATE_LIMITED error for each of the others', async () => {
    const threadIds = Array.from({ length: 10 }, (_, i) => `wf-${i}`);
    for (const threadId of threadIds) await writeWorkflow(fixture.redis, threadId);
    const query = `mutation { ${threadIds.map((threadId, i) => reset(`r${i}`, threadId)).join(' ')} }`;
    const { status, body } = await fixture.app.request(query, {}, operator);
    expect(status).toBe(200);
    const answers = threadIds.map((_, i) => body.data?.[`r${i}`]);
    expect(answers.slice(0, 5)).toEqual(threadIds.slice(0, 5).map((threadId) => expect.objectContaining({ success: true, threadId })));
    expect(answers.slice(5)).toEqual([null, null, null, null, null]);
    expect(body.errors?.map((error) => [error.path, error.extensions?.code])).toEqual(
      threadIds.slice(5).map((_, i) => [[`r${i + 5}`], 'RATE_LIMITED']),
    );
  });

  it('keeps a created workflow beside a lifecycle move that was refused', async () => {
    const query = `mutation {
      created: startWorkflow(input: { threadId: "wf-new" }) { threadId phase }
      moved: runWorkflow(threadId: "wf-missing") { threadId }
      stopped: stopWorkflow(threadId: "wf-missing") { threadId }
      task: enqueueTask(input: { threadId: "wf-missing", domain: FE, data: {} }) { id }
      batch: resetStuckWorkflows(input: { reason: "stuck" }) { succeeded }
    }`;
    const { status, body } = await fixture.app.request(query, {}, operator);
    expect(status).toBe(200);
    expect(body.data).toEqual({ created: { threadId: 'wf-new', phase: 'PENDING' }, moved: null, stopped: null, task: null, batch: null });
    expect(body.errors?.map((error) => [error.path?.[0], error.extensions?.code])).toEqual([
      ['moved', 'NOT_FOUND'],
      ['stopped', 'NOT_FOUND'],
      ['task', 'NOT_FOUND'],
      ['batch', 'FORBIDDEN'],
    ]);
  });
});
