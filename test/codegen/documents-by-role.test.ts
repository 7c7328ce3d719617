import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../../src/auth/roles';
import { ConfirmResetDocument, DashboardDocument, PreviewResetDocument, WorkflowDetailDocument } from '../../generated/operations';
import { RedisKeys } from '../../src/redis/keys';
import { seedDemoWorkflows } from '../../src/workflows/demo-seed';
import { type TestApp, useTestApp } from '../helpers/app';

const DOCUMENTS = join(__dirname, '..', '..', 'documents');
const STUCK = 'WAVE1-PM-001-safety-block';

/** `<operation> as <role>` for every operation of documents/*.graphql and each role its `# For:` line names. */
function declaredRuns(): string[] {
  return readdirSync(DOCUMENTS)
    .filter((file) => file.endsWith('.graphql'))
    .flatMap((file) => {
      const text = readFileSync(join(DOCUMENTS, file), 'utf8');
      const roles = (/^# For: (.*)$/m.exec(text)?.[1] ?? '').match(/\b(VIEWER|OPERATOR|ADMIN)\b/g) ?? [];
      const operations = [...text.matchAll(/^(?:query|mutation|subscription) (\w+)/gm)].map((match) => match[1]);
      return operations.flatMap((operation) => roles.map((role) => `${operation} as ${role.toLowerCase()}`));
    })
    .sort();
}

interface Run {
  operation: string;
  role: Role;
  expectation: string;
  run: (app: TestApp, token: string) => Promise<void>;
}

const RUNS: Run[] = [
  {
    operation: 'Dashboard',
    role: 'viewer',
    expectation: 'the workflows with their health and the queue lengths',
    run: async (app, token) => {
      const { data, errors } = await app.execute(DashboardDocument, { first: 50 }, token);
      expect(errors).toBeUndefined();
      expect(data!.workflows.nodes.filter((workflow) => workflow.health.stuck)).toHaveLength(4);
      expect(data!.queues.map((queue) => queue.domain)).toEqual(['PM', 'FE', 'BE', 'QA', 'SAFETY']);
    },
  },
  {
    operation: 'WorkflowDetail',
    role: 'viewer',
    expectation: 'the workflow with its tasks and health; resets null with FORBIDDEN',
    run: async (app, token) => {
      const { data, errors } = await app.execute(WorkflowDetailDocument, { threadId: STUCK }, token);
      expect(data!.workflow).toMatchObject({ threadId: STUCK, resets: null, health: { stuck: true } });
      expect(data!.workflow!.tasks.length).toBeGreaterThan(0);
      expect(errors).toEqual([expect.objectContaining({ path: ['workflow', 'resets'], extensions: { code: 'FORBIDDEN' } })]);
    },
  },
  {
    operation: 'WorkflowDetail',
    role: 'operator',
    expectation: 'everything, resets included',
    run: async (app, token) => {
      await app.execute(PreviewResetDocument, { threadId: STUCK, reason: 'looking' }, token);
      const { data, errors } = await app.execute(WorkflowDetailDocument, { threadId: STUCK }, token);
      expect(errors).toBeUndefined();
      expect(data!.workflow!.health.reasons[0].suggestedFix).toEqual(expect.any(String));
      expect(data!.workflow!.resets!.nodes).toEqual([expect.objectContaining({ kind: 'PREVIEW', reason: 'looking' })]);
    },
  },
  {
    operation: 'PreviewReset',
    role: 'operator',
    expectation: 'the plan and its token, nothing changed',
    run: async (app, token) => {
      const { data, errors } = await app.execute(PreviewResetDocument, { threadId: STUCK, reason: 'safety review done' }, token);
      expect(errors).toBeUndefined();
      expect(data!.resetWorkflow!.plan).toMatchObject({ target: { gate: 0, phase: 'PENDING' }, planToken: expect.any(String) });
    },
  },
  {
    operation: 'ConfirmReset',
    role: 'operator',
    expectation: 'the reset of exactly the previewed plan',
    run: async (app, token) => {
      const preview = await app.execute(PreviewResetDocument, { threadId: STUCK, reason: 'safety review done' }, token);
      const plan = preview.data!.resetWorkflow!.plan!;
      const variables = { threadId: STUCK, reason: 'safety review done', planToken: plan.planToken, requestId: 'typed-1' };
      const { data, errors } = await app.execute(ConfirmResetDocument, variables, token);
      expect(errors).toBeUndefined();
      expect(data!.resetWorkflow).toMatchObject({ success: true, replayed: false, newState: { phase: 'PENDING', attempt: 1 } });
      expect(data!.resetWorkflow!.cleared.tasks).toBe(plan.taskIds.length);
    },
  },
];

describe('each document of documents/ run as typed, over HTTP on a real Redis, by each role it is written for', () => {
  const fixture = useTestApp();
  beforeEach(async () => {
    await seedDemoWorkflows(fixture.redis as never, new RedisKeys('wave'), Date.now());
  });

  it('covers every operation and every role named on its document\'s "# For:" line', () => {
    expect(RUNS.map(({ operation, role }) => `${operation} as ${role}`).sort()).toEqual(declaredRuns());
  });

  it.each(RUNS)('runs $operation as $role: $expectation', async ({ role, run }) => {
    await run(fixture.app, fixture.app.token([role]));
  });
});
