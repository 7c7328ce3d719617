import type Redis from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { ConsolePreviewResetDocument } from '../../generated/console-operations';
import manifest from '../../generated/persisted-documents.json';
import { textSentByApolloClient } from '../../scripts/persisted-documents';
import { documentIdOf } from '../../src/config/trusted-documents';
import { issueToken } from '../../src/auth/tokens';
import { loadConfig } from '../../src/config';
import { connectRedis } from '../../src/redis/client';
import { RedisKeys } from '../../src/redis/keys';
import { seedDemoWorkflows } from '../../src/workflows/demo-seed';
import { TaskFencing } from '../../src/workflows/task-fencing';
import { TEST_SECRET } from '../helpers/app';
import { dumpWorkflowState } from '../helpers/keyspace';
import { RedisServer } from '../helpers/redis-server';
import { launchChromium, LOCAL_HOSTS, openLoopbackPage, PAGE_TIMEOUT_MS } from '../helpers/browser';
import { ServerProcess } from '../helpers/server-process';

const DEAD_AGENT = 'WAVE1-FE-002-dead-agent';
const DEAD_AGENT_TASK = 'demo-fe-002-checkout';
const UNADVANCED = 'WAVE1-QA-001-unadvanced';
const HEALTHY = 'WAVE1-FE-001-healthy';
const HEALTHY_RUNNING_TASK = 'demo-fe-001-build';
const HEALTHY_REVIEW_TASK = 'demo-fe-001-review';
const SAFETY_BLOCKED = 'WAVE1-PM-001-safety-block';
const AGENT_CRASH = 'WAVE1-BE-002-agent-crash';

const keys = new RedisKeys('wave');

/** The address `npm start` printed for the console. */
function consoleAddress(server: ServerProcess): string {
  return /Operator console[^:]*: (\S+)/.exec(server.output)![1];
}

interface OpenedPage {
  page: Page;
  /** Every URL the page requested. */
  requested: string[];
  /** Console errors and uncaught exceptions: a CSP refusal shows up here. */
  problems: string[];
  /** The body of every GraphQL POST the page sent. */
  operations: Array<{ query?: string; documentId?: string; extensions?: { persistedQuery?: { sha256Hash: string } } }>;
}

// The server runs trusted documents only: every query and mutation of the console goes by its manifest id.
describe('the operator console in a real browser (Debian chromium, no internet), on real Redis with the demo workflows, TRUSTED_DOCUMENTS=require', () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let server: ServerProcess;
  let browser: Browser;
  let consoleUrl: string;
  const opened: OpenedPage[] = [];

  beforeAll(async () => {
    redisServer = await RedisServer.start();
    redis = redisServer.client();
    await seedDemoWorkflows(redis as never, keys, Date.now());
    server = await ServerProcess.start({ REDIS_URL: redisServer.url, JWT_SECRET: TEST_SECRET, TRUSTED_DOCUMENTS: 'require' });
    consoleUrl = consoleAddress(server);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    expect(await server?.stop()).toBe(0);
    redis?.disconnect();
    await redisServer?.dispose();
  });

  afterEach(() => {
    // Whatever a test did, its pages asked nothing of another host and nothing was blocked or thrown.
    for (const { requested, problems, operations } of opened.splice(0)) {
      expect(requested.length).toBeGreaterThan(0);
      expect(requested.filter((url) => !LOCAL_HOSTS.has(new URL(url).hostname))).toEqual([]);
      expect(problems).toEqual([]);
      // Each went by an id of the bundled manifest alone, never resending its document.
      const byManifestId = (body: OpenedPage['operations'][number]) =>
        body.query === undefined && (body.documentId ?? body.extensions?.persistedQuery?.sha256Hash ?? '') in manifest;
      expect(operations.filter((body) => !byManifestId(body))).toEqual([]);
    }
  });

  /** A fresh page that records every request it makes and stops any that would leave this machine. */
  async function openPage(): Promise<Page> {
    const { page, requested } = await openLoopbackPage(browser);
    const entry: OpenedPage = { page, requested, problems: [], operations: [] };
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/graphql') entry.operations.push(request.postDataJSON());
    });
    page.on('console', (message) => {
      // Expected: a refused GraphQL call (the browser logs a 4xx resource), and the offline test's failed reads.
      if (message.type() === 'error' && !/favicon|status of 4\d\d|ERR_INTERNET_DISCONNECTED/.test(message.text()))
        entry.problems.push(message.text());
    });
    page.on('pageerror', (error) => entry.problems.push(error.message));
    opened.push(entry);
    return page;
  }

  /** Opens the console and signs in by pasting a token with these roles; resolves once the page shows who. */
  async function signIn(
    roles: Array<'viewer' | 'operator' | 'admin'>,
    subject: string,
    beforeLoad: (page: Page) => Promise<void> = async () => undefined,
  ): Promise<Page> {
    const page = await openPage();
    await beforeLoad(page);
    await page.goto(consoleUrl);
    await page.getByLabel('Bearer token').fill(issueToken(TEST_SECRET, { sub: subject, roles }, '15m'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('who').getByText(subject).waitFor();
    return page;
  }

  async function openWorkflow(page: Page, threadId: string): Promise<void> {
    await page.getByRole('link', { name: 'Workflows', exact: true }).click();
    await page.getByRole('textbox', { name: 'Thread id' }).fill(threadId);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('heading', { name: `Workflow ${threadId}` }).waitFor();
    await page.locator('[data-field="phase"]').waitFor();
  }

  it('walks the 3 a.m. flow: signs in, sees the stuck list, opens the dead-agent workflow, previews, confirms once, sees the summary and the audit entry', async () => {
    const page = await signIn(['operator'], 'alice');
    await expect(page.getByTestId('who').textContent()).resolves.toMatch(/alice.*role OPERATOR/);

    // The overview tells a queue nobody takes from: the be queue's oldest task waits since the be agents crashed.
    await page.locator('tr[data-domain="BE"]').getByText('2 h 30 min ago').waitFor();
    await expect(page.locator('tr[data-domain="BE"] td').nth(1).textContent()).resolves.toBe('2');
    await expect(page.locator('tr[data-domain="BE"] [data-field="queue-state"]').getAttribute('data-state')).resolves.toBe('no-agent');

    // Counted by phase and by stuck kind: the demo's four running workflows, one stuck each way.
    await page.locator('[data-phase="RUNNING"] dd').getByText('4', { exact: true }).waitFor();
    await expect(page.locator('[data-phase="BLOCKED"] dd').textContent()).resolves.toBe('1');
    await expect(page.locator('[data-kind="AGENT_GONE"] dd').textContent()).resolves.toBe('1');
    await page.getByText('All 7 workflows.').waitFor();

    // The overview's stuck list names the dead-agent workflow with its kind.
    const stuckRow = page.locator(`tr[data-thread-id="${DEAD_AGENT}"]`);
    await stuckRow.getByText(/AGENT_GONE/).waitFor();
    await stuckRow.getByRole('link', { name: DEAD_AGENT }).click();

    await page.getByRole('heading', { name: `Workflow ${DEAD_AGENT}` }).waitFor();
    const task = page.locator(`tr[data-task-id="${DEAD_AGENT_TASK}"]`);
    await task.getByText('fe-agent-2').waitFor();
    await expect(task.locator('[data-field="status"]').textContent()).resolves.toBe('IN_PROGRESS');
    await page
      .locator('li[data-kind="AGENT_GONE"]')
      .getByText(/Suggested fix: \S+/)
      .waitFor();

    await page.getByLabel('Reason (recorded in the audit trail)').fill('fe-agent-2 died at 03:10');
    await page.getByRole('button', { name: 'Preview reset' }).click();
    const preview = page.getByTestId('reset-preview');
    await expect(preview.locator('[data-field="tasks"]').textContent()).resolves.toBe(DEAD_AGENT_TASK);
    await expect(preview.locator('[data-field="target"]').textContent()).resolves.toBe('gate 0, PENDING');

    const before = await dumpWorkflowState(redis as never);
    // A double click sends one confirmation at most, and its requestId would make a second one a replay.
    await page.getByRole('button', { name: 'Confirm reset' }).dblclick();
    const summary = page.getByTestId('reset-summary');
    await summary.getByRole('heading', { name: 'Reset done', exact: true }).waitFor();
    await summary.getByText('Cleared 1 tasks and 0 results. Now at gate 0, PENDING, attempt 1.').waitFor();
    await page.locator('[data-field="attempt"]').getByText('1').waitFor();
    await page.locator('tr[data-audit-kind="RESET"]').getByText('fe-agent-2 died at 03:10').waitFor();
    await expect(page.locator('tr[data-audit-kind="RESET"]').count()).resolves.toBe(1);

    // In Redis, only that workflow's own keys and the trail's bookkeeping changed.
    const after = await dumpWorkflowState(redis as never);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
      (key) => JSON.stringify(before.get(key)) !== JSON.stringify(after.get(key)),
    );
    const own = [keys.workflow(DEAD_AGENT), keys.workflowTasks(DEAD_AGENT), keys.task(DEAD_AGENT_TASK), keys.workflowAudit(DEAD_AGENT)];
    const trail = (key: string) => key === keys.audit || key.startsWith(keys.resetRequest('')) || key.startsWith(keys.resetPlan(''));
    expect(changed.filter((key) => !own.includes(key) && !trail(key))).toEqual([]);
    expect(changed).toEqual(expect.arrayContaining([keys.workflow(DEAD_AGENT), keys.task(DEAD_AGENT_TASK), keys.audit]));
    expect(await redis.hget(keys.workflow(DEAD_AGENT), 'phase')).toBe('pending');

    // The global trail shows the reset first, with who and why.
    await page.getByRole('link', { name: 'Audit' }).click();
    const newest = page.locator('table.audit tbody tr').first();
    await newest.getByText('fe-agent-2 died at 03:10').waitFor();
    await expect(newest.getAttribute('data-audit-kind')).resolves.toBe('RESET');
    await expect(newest.textContent()).resolves.toContain('alice');

    // The token lived in memory only.
    const stored = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie]));
    expect(stored).toBe('[{},{},""]');
  });

  it('refuses a token the server does not accept, saying so by its code, and stays on the sign-in form', async () => {
    const page = await openPage();
    await page.goto(consoleUrl);
    await page
      .getByLabel('Bearer token')
      .fill(issueToken('another-secret-that-is-long-enough-for-hs256!', { sub: 'mallory', roles: ['admin'] }, '5m'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .locator('.refusal[data-code="UNAUTHENTICATED"]')
      .getByText(/Sign in again/)
      .waitFor();
    expect(await page.getByTestId('who').count()).toBe(0);
  });

  it('explains STALE_PLAN when the workflow changed between preview and confirm, and resets after a new preview', async () => {
    const page = await signIn(['operator'], 'bob');
    await openWorkflow(page, UNADVANCED);
    await page.getByLabel('Reason (recorded in the audit trail)').fill('orchestrator missed the e2e result');
    await page.getByRole('button', { name: 'Preview reset' }).click();
    await page.getByTestId('reset-preview').waitFor();

    // The orchestrator queues another task for the workflow in the meantime.
    await redis.hset(keys.task('stale-extra'), {
      thread_id: UNADVANCED,
      status: 'pending',
      queue: 'qa',
      data: '{}',
      enqueued_at: String(Date.now()),
    });
    await redis.sadd(keys.workflowTasks(UNADVANCED), 'stale-extra');
    await page.getByRole('button', { name: 'Confirm reset' }).click();
    await page
      .locator('.refusal[data-code="STALE_PLAN"]')
      .getByText(/changed since this preview/)
      .waitFor();
    expect(await redis.hget(keys.workflow(UNADVANCED), 'phase')).toBe('running');

    await page.getByRole('button', { name: 'Preview again' }).click();
    await page.getByTestId('reset-preview').locator('[data-field="tasks"]').getByText('stale-extra').waitFor();
    await page.getByRole('button', { name: 'Confirm reset' }).click();
    await page.getByTestId('reset-summary').getByRole('heading', { name: 'Reset done' }).waitFor();
    expect(await redis.hget(keys.workflow(UNADVANCED), 'phase')).toBe('pending');
  });

  it("shows a viewer every mutating control disabled with the reason, and the server refuses the viewer's reset anyway", async () => {
    const page = await signIn(['viewer'], 'victor');
    await expect(page.getByTestId('who').textContent()).resolves.toMatch(/victor.*role VIEWER/);
    await openWorkflow(page, SAFETY_BLOCKED);
    const preview = page.getByRole('button', { name: 'Preview reset' });
    expect(await preview.isDisabled()).toBe(true);
    const describedBy = (await preview.getAttribute('aria-describedby'))!;
    await expect(page.locator(`[id="${describedBy}"]`).textContent()).resolves.toMatch(/Needs the OPERATOR role.*victor \(VIEWER\)/);
    expect(await page.getByLabel('Reason (recorded in the audit trail)').isDisabled()).toBe(true);
    await page
      .locator('#history-title + .disabled-reason')
      .getByText(/Needs the OPERATOR role/)
      .waitFor();

    await page.getByRole('link', { name: 'Bulk reset' }).click();
    expect(await page.getByRole('button', { name: 'Preview batch' }).isDisabled()).toBe(true);
    await page.getByText(/Needs the ADMIN role/).waitFor();
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByText(/Needs the OPERATOR role/).waitFor();

    // Disabled on the page is a courtesy: the server itself refuses the viewer (the console's own preview, by its id).
    const token = issueToken(TEST_SECRET, { sub: 'victor', roles: ['viewer'] }, '5m');
    const answer = await page.evaluate(
      async ([threadId, bearer, documentId]) => {
        const response = await fetch('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
          body: JSON.stringify({ documentId, variables: { threadId, reason: 'viewer tries', resetToGate: 0 } }),
        });
        return response.json();
      },
      [SAFETY_BLOCKED, token, documentIdOf(textSentByApolloClient(ConsolePreviewResetDocument))] as const,
    );
    expect(answer.errors.map((error: { extensions: { code: string } }) => error.extensions.code)).toEqual(['FORBIDDEN']);
    expect(await redis.hget(keys.workflow(SAFETY_BLOCKED), 'phase')).toBe('blocked');
  });

  it('shows a result an agent records while the workflow is open, without a reload', async () => {
    const page = await signIn(['operator'], 'carol');
    await openWorkflow(page, HEALTHY);
    await page.locator('[data-live="open"]').waitFor();
    const result = page.locator(`tr[data-task-id="${HEALTHY_RUNNING_TASK}"] [data-field="result"]`);
    await expect(result.textContent()).resolves.toBe('—');

    // An agent of its own, as a real one is: a connection with the project's scripts, not the server's.
    const agentRedis = connectRedis(
      redisServer.url,
      loadConfig({ NODE_ENV: 'test', REDIS_URL: redisServer.url, JWT_SECRET: TEST_SECRET }).redis,
    );
    try {
      const agent = new TaskFencing(agentRedis, keys);
      await expect(
        agent.recordTaskResult({
          taskId: HEALTHY_RUNNING_TASK,
          attempt: 0,
          result: { success: true, summary: 'login form built' },
          status: 'completed',
        }),
      ).resolves.toMatchObject({ recorded: true });
    } finally {
      agentRedis.disconnect();
    }

    await page.locator('li[data-event="TASK_RESULT"]').getByText(`result of ${HEALTHY_RUNNING_TASK}: COMPLETED`).waitFor();
    await result.getByText('"summary": "login form built"').waitFor();
    await expect(page.locator(`tr[data-task-id="${HEALTHY_RUNNING_TASK}"] [data-field="status"]`).textContent()).resolves.toBe('COMPLETED');
  });

  it('lets an admin preview a batch reset of the stuck workflows, leave one out, and confirm the rest, with each outcome shown', async () => {
    const page = await signIn(['admin'], 'dana');
    await page.getByRole('link', { name: 'Bulk reset' }).click();
    await page.getByLabel('Reason (recorded for every workflow)').fill('agents crashed overnight');
    await page.getByRole('button', { name: 'Preview batch' }).click();
    const preview = page.getByTestId('batch-preview');
    await preview
      .locator(`li[data-thread-id="${AGENT_CRASH}"]`)
      .getByText(/would clear 2 tasks/)
      .waitFor();
    await preview.locator(`li[data-thread-id="${SAFETY_BLOCKED}"]`).waitFor();
    const planned = await preview.locator('li[data-outcome="ok"]').count();
    expect(await redis.hget(keys.workflow(AGENT_CRASH), 'phase')).toBe('running');

    // The safety block waits for its reviewer: left out of the batch.
    await page.getByRole('checkbox', { name: `Include ${SAFETY_BLOCKED}` }).uncheck();
    await page.getByRole('heading', { name: `Preview: ${planned - 1} of ${planned} workflows would be reset` }).waitFor();
    await page.getByRole('button', { name: 'Confirm batch reset' }).click();
    const summary = page.getByTestId('batch-summary');
    await summary.getByRole('heading', { name: `Batch done: ${planned - 1} reset, 0 failed` }).waitFor();
    await summary
      .locator(`li[data-thread-id="${AGENT_CRASH}"]`)
      .getByText(/cleared 2 tasks.*attempt 1/)
      .waitFor();
    await expect(summary.locator(`li[data-thread-id="${SAFETY_BLOCKED}"]`).count()).resolves.toBe(0);
    expect(await redis.hget(keys.workflow(AGENT_CRASH), 'phase')).toBe('pending');
    expect(await redis.lrange(keys.queue('be'), 0, -1)).toEqual([]);
    expect(await redis.hget(keys.workflow(SAFETY_BLOCKED), 'phase')).toBe('blocked');
  });

  it('reads the lists again on its own while refreshing is not paused', async () => {
    const page = await signIn(['viewer'], 'hana');
    const pm = page.locator('tr[data-domain="PM"] td').nth(1);
    await pm.getByText('0', { exact: true }).waitFor();
    // The orchestrator queues a pm task: the overview shows it at the next refresh, with no click.
    await redis.hset(keys.task('refresh-pm'), { thread_id: 'WAVE1-NEW', status: 'pending', queue: 'pm', data: '{}' });
    await redis.lpush(keys.queue('pm'), 'refresh-pm');
    const interval = Number(/Auto-refresh every (\d+) s/.exec((await page.getByText(/Auto-refresh every/).textContent())!)![1]);
    await pm.getByText('1', { exact: true }).waitFor({ timeout: interval * 1000 + PAGE_TIMEOUT_MS });
  });

  it("says when a workflow's live connection is lost, and once it is back reads again what it missed", async () => {
    // The page's socket passes through the test, which can cut it as a dropped network would and hold
    // the reconnection back (routed before the page loads: Playwright routes the sockets of documents
    // loaded after).
    const sockets: Array<{ close(options?: { code?: number; reason?: string }): Promise<void> }> = [];
    let letReconnect: () => void = () => undefined;
    const reconnection = new Promise<void>((resolve) => (letReconnect = resolve));
    const page = await signIn(['viewer'], 'ivan', (opening) =>
      opening.routeWebSocket(/\/graphql$/, async (socket) => {
        sockets.push(socket);
        if (sockets.length > 1) await reconnection;
        socket.connectToServer();
      }),
    );
    await openWorkflow(page, HEALTHY);
    // Only a re-read on reconnection can show what follows: the interval's reads are paused.
    await page.getByRole('button', { name: 'Pause auto-refresh' }).click();
    await page.locator('[data-live="open"]').waitFor();
    await sockets[0].close({ code: 1001, reason: 'going away' });
    await page
      .locator('[data-live="lost"]')
      .getByText(/Live connection lost/)
      .waitFor();

    // While the page is cut off, an agent records a result: its event never reaches the page.
    const agentRedis = connectRedis(
      redisServer.url,
      loadConfig({ NODE_ENV: 'test', REDIS_URL: redisServer.url, JWT_SECRET: TEST_SECRET }).redis,
    );
    try {
      await expect(
        new TaskFencing(agentRedis, keys).recordTaskResult({
          taskId: HEALTHY_REVIEW_TASK,
          attempt: 0,
          result: { success: true, summary: 'reviewed while offline' },
          status: 'completed',
        }),
      ).resolves.toMatchObject({ recorded: true });
    } finally {
      agentRedis.disconnect();
    }
    letReconnect();
    await page.locator('[data-live="open"]').waitFor();
    await page.locator(`tr[data-task-id="${HEALTHY_REVIEW_TASK}"] [data-field="result"]`).getByText('reviewed while offline').waitFor();
    await expect(page.locator('li[data-event="TASK_RESULT"]').count()).resolves.toBe(0);
  });

  it('tells a queue whose agents are alive but behind from one with no agent alive', async () => {
    const page = await signIn(['viewer'], 'judy');
    const safety = page.locator('tr[data-domain="SAFETY"]');
    await expect(safety.locator('[data-field="queue-state"]').getAttribute('data-state')).resolves.toBe('idle');
    const agentRedis = connectRedis(
      redisServer.url,
      loadConfig({ NODE_ENV: 'test', REDIS_URL: redisServer.url, JWT_SECRET: TEST_SECRET }).redis,
    );
    try {
      // A safety agent asks for work (its pop of the empty queue is its sign of life); then a task that
      // was queued a minute earlier lands in its queue: an agent is alive, it is only behind.
      await new TaskFencing(agentRedis, keys).popTask({ domain: 'safety', agent: 'safety-agent-9' });
      await redis.hset(keys.task('behind-safety'), {
        thread_id: 'WAVE1-NEW',
        status: 'pending',
        queue: 'safety',
        data: '{}',
        enqueued_at: String(Date.now() - 60_000),
      });
      await redis.lpush(keys.queue('safety'), 'behind-safety');
    } finally {
      agentRedis.disconnect();
    }
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await safety.locator('[data-state="overloaded"]').getByText('agents alive, behind').waitFor();
    await expect(safety.locator('td').nth(3).textContent()).resolves.toMatch(/^\d+ s ago$/);
  });

  it('finds workflows by thread id prefix and lists them newest first', async () => {
    const page = await signIn(['viewer'], 'frank');
    await page.getByRole('link', { name: 'Workflows', exact: true }).click();
    const rows = page.locator('tbody tr[data-thread-id]');
    await expect(rows.first().getAttribute('data-thread-id')).resolves.toBe('WAVE1-BE-001-done');

    await page.getByRole('textbox', { name: 'Thread id or prefix' }).fill('WAVE1-QA');
    await page.getByRole('button', { name: 'Filter by prefix' }).click();
    await page.getByText('Workflows whose thread id starts with WAVE1-QA, oldest first').waitFor();
    await expect(rows.evaluateAll((found) => found.map((row) => row.getAttribute('data-thread-id')))).resolves.toEqual([
      'WAVE1-QA-002-paused',
      UNADVANCED,
    ]);

    await page.getByRole('textbox', { name: 'Thread id or prefix' }).fill('');
    await page.getByRole('button', { name: 'Filter by prefix' }).click();
    await page.getByLabel('Order').selectOption('NEWEST_FIRST');
    await page.getByText('Workflows, newest first').waitFor();
    await expect(rows.first().getAttribute('data-thread-id')).resolves.toBe(SAFETY_BLOCKED);
  });

  it('takes an operator from the reason to the preview and on to its confirmation with the keyboard alone, focus always visible', async () => {
    const page = await signIn(['operator'], 'gina');
    await openWorkflow(page, SAFETY_BLOCKED);
    await page.getByLabel('Reason (recorded in the audit trail)').focus();
    await page.keyboard.type('reviewer assigned');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const focused = () => page.evaluate(() => document.activeElement?.textContent ?? '');
    await expect(focused()).resolves.toBe('Preview reset');
    await expect(page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).resolves.toBe('solid');
    await page.keyboard.press('Enter');
    await page.getByTestId('reset-preview').waitFor();
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe('Confirm reset');
  });

  it.each([
    { width: 1280, colorScheme: 'light' as const },
    { width: 390, colorScheme: 'dark' as const },
  ])('reads at $width px in the $colorScheme scheme without the page scrolling sideways', async ({ width, colorScheme }) => {
    const page = await signIn(['operator'], `reader-${width}`);
    await page.setViewportSize({ width, height: 900 });
    await page.emulateMedia({ colorScheme });
    await openWorkflow(page, HEALTHY);
    await page.locator(`tr[data-task-id="${HEALTHY_RUNNING_TASK}"]`).waitFor();
    const layout = await page.evaluate(() => {
      const luminance = (color: string) => {
        const [r, g, b] = color.match(/\d+/g)!.map(Number);
        return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
      };
      const body = getComputedStyle(document.body);
      return {
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        background: luminance(body.backgroundColor),
        text: luminance(body.color),
      };
    });
    expect(layout.overflow).toBeLessThanOrEqual(0);
    if (colorScheme === 'dark') expect([layout.background < 0.2, layout.text > 0.8]).toEqual([true, true]);
    else expect([layout.background > 0.9, layout.text < 0.2]).toEqual([true, true]);
  });

  it('pauses and resumes the refresh of the lists, says when data was last read and when the server is out of reach', async () => {
    const page = await signIn(['viewer'], 'erin');
    const lastRead = page.getByTestId('last-read');
    await lastRead.getByText(/^Last read \d/).waitFor();
    await page.context().setOffline(true);
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await lastRead.getByText(/^Server unreachable: last read \d/).waitFor();
    await page.context().setOffline(false);
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await lastRead.getByText(/^Last read \d/).waitFor();

    await page.getByRole('button', { name: 'Pause auto-refresh' }).click();
    await page.getByText('Auto-refresh paused').waitFor();
    await page.getByRole('button', { name: 'Resume auto-refresh' }).click();
    await page.getByText(/Auto-refresh every \d+ s/).waitFor();
  });
});

describe('the operator console on `npm start` in development (embedded Redis, development token)', () => {
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    // One preview a minute: the second shows when to retry.
    server = await ServerProcess.start({ RESET_PREVIEW_RATE_LIMIT: '1/1m' });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    expect(await server?.stop()).toBe(0);
  });

  it('offers the development token to this machine and signs in with it as the development operator', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    await page.goto(consoleAddress(server));
    await page.getByRole('button', { name: 'Use the development token' }).click();
    await page.getByTestId('who').getByText('dev-operator').waitFor();
    await page.locator(`tr[data-thread-id="${DEAD_AGENT}"]`).waitFor();
    await page.context().close();
  });

  it('says when to retry after RATE_LIMITED', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    await page.goto(consoleAddress(server));
    await page.getByRole('button', { name: 'Use the development token' }).click();
    await page.locator(`tr[data-thread-id="${SAFETY_BLOCKED}"]`).getByRole('link').click();
    await page.getByLabel('Reason (recorded in the audit trail)').fill('reviewer assigned');
    await page.getByRole('button', { name: 'Preview reset' }).click();
    await page.getByTestId('reset-preview').waitFor();
    await page.getByRole('button', { name: 'Preview reset' }).click();
    await page
      .locator('.refusal[data-code="RATE_LIMITED"]')
      .getByText(/Retry in \d+ s \(after \d/)
      .waitFor();
    await page.context().close();
  });
});
