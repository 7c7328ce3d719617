import { createRequestContext } from '../../src/graphql/context';
import type { ResetBudgets } from '../../src/graphql/reset.budgets';
import { writeOneOfEach } from '../workflows/stuck-support';
import { useBackend } from '../workflows/support';

describe('the request context', () => {
  const backend = useBackend('ioredis-mock');
  const newContext = () => createRequestContext({ ...backend, resetBudgets: {} as ResetBudgets }, { kind: 'anonymous' }, '127.0.0.1');

  afterEach(() => jest.restoreAllMocks());

  async function arrangeWorkflows() {
    await writeOneOfEach(backend.redis);
    return (await backend.workflows.listWorkflows({ first: 10 })).nodes.map((edge) => edge.workflow);
  }

  it('reads the tasks once for a request that asks for the tasks and the health of the same workflows', async () => {
    const workflows = await arrangeWorkflows();
    const read = jest.spyOn(backend.workflows, 'getTasksOfWorkflows');
    const context = newContext();
    const [tasks, healths] = await Promise.all([
      Promise.all(workflows.map((workflow) => context.tasksOfWorkflow.load(workflow.threadId))),
      Promise.all(workflows.map((workflow) => context.healthOfWorkflow.load(workflow))),
    ]);
    expect(read).toHaveBeenCalledTimes(1);
    expect(tasks.map((list) => list.length)).toEqual([1, 1, 1, 1, 1]);
    expect(healths.map((health) => health.stuck)).toEqual([false, true, true, true, true]);
  });

  it('shares no loader between requests: each reads Redis itself', async () => {
    const workflows = await arrangeWorkflows();
    const read = jest.spyOn(backend.workflows, 'getTasksOfWorkflows');
    await Promise.all([newContext(), newContext()].map((context) => context.tasksOfWorkflow.load(workflows[0].threadId)));
    expect(read).toHaveBeenCalledTimes(2);
  });
});
