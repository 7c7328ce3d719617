import { getDirective } from '@graphql-tools/utils';
import { isInputObjectType, isObjectType, type GraphQLArgument, type GraphQLField, type GraphQLSchema } from 'graphql';
import { loadConfig } from '../../src/config';
import {
  BATCH_RESET_RATE_LIMIT,
  DEFAULT_MAX_GATE,
  DEFAULT_PAGE_SIZE,
  DEFAULT_RESET_IDEMPOTENCY_TTL,
  DEFAULT_RESET_LIMIT,
  DEFAULT_RESET_PLAN_TTL,
  DEFAULT_RESET_PREVIEW_RATE_LIMIT,
  DEFAULT_RESET_RATE_LIMIT,
  DEFAULT_STUCK_QUEUED_AFTER,
  DEFAULT_STUCK_RESULT_AFTER,
  DEFAULT_STUCK_RUNNING_AFTER,
  defaultDurationMs,
  LIFECYCLE_RATE_LIMIT,
  MAX_PAGE_SIZE,
  MAX_RESET_LIMIT,
} from '../../src/defaults';
import { buildDeclaredSchema } from '../../src/graphql/schema';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildDeclaredSchema();
});

/** The field at `Type.field` of the built schema. */
function fieldAt(coordinate: string): GraphQLField<unknown, unknown> {
  const [typeName, fieldName] = coordinate.split('.');
  const type = schema.getType(typeName);
  if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
  return type.getFields()[fieldName];
}

function argumentOf(coordinate: string, name: string): GraphQLArgument {
  const argument = fieldAt(coordinate).args.find((candidate) => candidate.name === name);
  if (!argument) throw new Error(`${coordinate} has no argument ${name}`);
  return argument;
}

describe("the schema's displayed defaults are the defaults module's", () => {
  it.each(['Query.workflows', 'Query.stuckWorkflows', 'Query.resetAudit', 'Workflow.resets'])(
    '%s pages by DEFAULT_PAGE_SIZE and tells MAX_PAGE_SIZE',
    (coordinate) => {
      const first = argumentOf(coordinate, 'first');
      expect(first.defaultValue).toBe(DEFAULT_PAGE_SIZE);
      expect(first.description).toBe(`Page size, 1..${MAX_PAGE_SIZE}.`);
    },
  );

  it('a batch reset takes DEFAULT_RESET_LIMIT workflows and tells MAX_RESET_LIMIT', () => {
    const input = schema.getType('ResetStuckWorkflowsInput');
    if (!isInputObjectType(input)) throw new Error('ResetStuckWorkflowsInput is not an input type');
    const { limit } = input.getFields();
    expect(limit.defaultValue).toBe(DEFAULT_RESET_LIMIT);
    expect(limit.description).toContain(`(1..${MAX_RESET_LIMIT})`);
  });

  it.each([
    ['Mutation.resetStuckWorkflows', BATCH_RESET_RATE_LIMIT],
    ['Mutation.startWorkflow', LIFECYCLE_RATE_LIMIT],
    ['Mutation.runWorkflow', LIFECYCLE_RATE_LIMIT],
    ['Mutation.stopWorkflow', LIFECYCLE_RATE_LIMIT],
    ['Mutation.enqueueTask', LIFECYCLE_RATE_LIMIT],
  ])('%s carries @rateLimit %j', (coordinate, policy) => {
    expect(getDirective(schema, fieldAt(coordinate), 'rateLimit')).toEqual([{ ...policy }]);
  });

  it("resetWorkflow's description tells the default budgets config applies", () => {
    const { description } = fieldAt('Mutation.resetWorkflow');
    expect(description).toContain(`RESET_RATE_LIMIT (default ${DEFAULT_RESET_RATE_LIMIT.max} a minute)`);
    expect(description).toContain(`RESET_PREVIEW_RATE_LIMIT (default ${DEFAULT_RESET_PREVIEW_RATE_LIMIT.max} a minute)`);
    expect(DEFAULT_RESET_RATE_LIMIT.window).toBe('1m');
    expect(DEFAULT_RESET_PREVIEW_RATE_LIMIT.window).toBe('1m');
  });
});

describe("config's defaults are the defaults module's", () => {
  it('reads every default of an empty environment from src/defaults.ts', () => {
    const config = loadConfig({});
    expect(config.maxGate).toBe(DEFAULT_MAX_GATE);
    expect(config.reset).toMatchObject({
      rateLimit: DEFAULT_RESET_RATE_LIMIT,
      previewRateLimit: DEFAULT_RESET_PREVIEW_RATE_LIMIT,
      idempotencyTtlMs: defaultDurationMs(DEFAULT_RESET_IDEMPOTENCY_TTL),
      planTtlMs: defaultDurationMs(DEFAULT_RESET_PLAN_TTL),
    });
    expect(config.stuck).toEqual({
      queuedAfterMs: defaultDurationMs(DEFAULT_STUCK_QUEUED_AFTER),
      runningAfterMs: defaultDurationMs(DEFAULT_STUCK_RUNNING_AFTER),
      resultAfterMs: defaultDurationMs(DEFAULT_STUCK_RESULT_AFTER),
    });
  });
});
