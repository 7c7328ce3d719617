import { DOMAINS } from '../../src/workflows/workflow.types';
import { RedisKeys } from '../../src/redis/keys';

describe('the key contract', () => {
  it('puts every key a script touches under the prefix, hash tag included', () => {
    const keys = new RedisKeys('{wave}');
    expect(
      [
        keys.workflow('wf-1'),
        keys.workflowTasks('wf-1'),
        keys.workflowIndex,
        keys.task('t-1'),
        keys.result('t-1'),
        ...DOMAINS.map((domain) => keys.queue(domain)),
        keys.audit,
        keys.workflowAudit('wf-1'),
        keys.resetRequest('ab'),
        keys.resetPlan('cd'),
      ].every((key) => key.startsWith('{wave}:')),
    ).toBe(true);
  });

  it('builds rate-limit keys without the hash tag, so a cluster spreads them over its shards', () => {
    expect(new RedisKeys('{wave}').rateLimit('sub:ana', 'Mutation.resetWorkflow')).toBe('wave:ratelimit:Mutation.resetWorkflow:sub:ana');
    expect(new RedisKeys('prod{wave}').rateLimit('ip:10.0.0.1', 'Mutation.startWorkflow')).toBe(
      'prodwave:ratelimit:Mutation.startWorkflow:ip:10.0.0.1',
    );
    expect(new RedisKeys('wave').rateLimit('sub:ana', 'Mutation.resetWorkflow')).toBe('wave:ratelimit:Mutation.resetWorkflow:sub:ana');
  });
});
