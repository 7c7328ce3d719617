import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, specifiedScalarTypes } from 'graphql';
import type { FormattedExecutionResult } from 'graphql-ws';
import { useTestApps, type TestApp } from '../helpers/app';
import { within, wsClient } from '../subscriptions/support';

/**
 * Issue 11 point 2: with FIELD_SUGGESTIONS off, no error names a field, type, argument or enum value of
 * the schema that the caller did not write, over HTTP and over graphql-ws, in validation and in variable
 * coercion, and each still says what is wrong. Every probe is sent without a token.
 */
interface Probe {
  label: string;
  query: string;
  variables?: Record<string, unknown>;
  /** Where it can be sent; by default both, or HTTP alone when it has variables (see below). */
  transports?: Transport[];
  /** The messages with FIELD_SUGGESTIONS off, in any order. */
  masked: string[];
  /** What graphql-js's own message says with FIELD_SUGGESTIONS on: a schema name the probe did not write. */
  detail: RegExp;
}

type Transport = 'HTTP' | 'graphql-ws';

/**
 * Variables are coerced only for an operation that runs: graphql-ws refuses a query or mutation before
 * reading them, so those probes go over HTTP only; a subscription's go over graphql-ws (HTTP refuses it).
 */
const transportsOf = (probe: Probe): Transport[] => probe.transports ?? (probe.variables === undefined ? ['HTTP', 'graphql-ws'] : ['HTTP']);

const RESET = 'mutation M($input: ResetWorkflowInput!) { resetWorkflow(input: $input) { success } }';

const PROBES: Probe[] = [
  {
    label: 'an enum literal',
    query: '{ workflows(phase: RUNNIN) { pageInfo { hasNextPage } } }',
    masked: ['Value "RUNNIN" is not a value of this enum.'],
    detail: /"WorkflowPhase" enum\. Did you mean the enum value "RUNNING"\?/,
  },
  {
    label: 'an enum in a variable',
    query: 'query Q($phase: WorkflowPhase) { workflows(phase: $phase) { pageInfo { hasNextPage } } }',
    variables: { phase: 'RUNNIN' },
    masked: ['Variable "$phase" got invalid value "RUNNIN"; Value "RUNNIN" is not a value of this enum.'],
    detail: /Did you mean the enum value "RUNNING"\?/,
  },
  {
    label: 'an enum nested in an input variable',
    query: RESET,
    variables: { input: { threadId: 'wf-1', reason: 'probe', expectedPhase: 'STOPPD' } },
    masked: ['Variable "$input" got invalid value "STOPPD" at "input.expectedPhase"; Value "STOPPD" is not a value of this enum.'],
    detail: /"WorkflowPhase" enum\. Did you mean the enum value "STOPPED"\?/,
  },
  {
    label: 'an enum nested in an input literal',
    query: 'mutation { resetWorkflow(input: { threadId: "wf-1", reason: "probe", expectedPhase: STOPPD }) { success } }',
    masked: ['Value "STOPPD" is not a value of this enum.'],
    detail: /Did you mean the enum value "STOPPED"\?/,
  },
  {
    label: 'a misspelled field',
    query: '{ workflowz { pageInfo { hasNextPage } } }',
    masked: ['Cannot query field "workflowz" here.'],
    detail: /on type "Query"\. Did you mean "workflow"/,
  },
  {
    label: 'a misspelled mutation',
    query: 'mutation { resetWorkflo(input: {}) { success } }',
    masked: ['Cannot query field "resetWorkflo" here.'],
    detail: /on type "Mutation"\. Did you mean "resetWorkflow"/,
  },
  {
    label: 'a misspelled argument',
    query: '{ workflows(phas: RUNNING) { pageInfo { hasNextPage } } }',
    masked: ['Unknown argument "phas" on field "workflows".'],
    detail: /on field "Query\.workflows"\. Did you mean "phase"\?/,
  },
  {
    label: 'a misspelled input field',
    query: 'mutation { resetWorkflow(input: { threadId: "wf-1", reasn: "x" }) { success } }',
    masked: ['A required field of this input object was not provided.', 'Field "reasn" is not defined by this input object.'],
    detail: /by type "ResetWorkflowInput"\. Did you mean "reason"\?/,
  },
  {
    label: 'a misspelled type',
    query: 'query Q($p: WorkflowPhas) { workflows(phase: $p) { pageInfo { hasNextPage } } }',
    masked: ['Unknown type "WorkflowPhas".'],
    detail: /Did you mean "WorkflowPhase"/,
  },
  {
    label: 'a required input field left out of a literal',
    query: 'mutation { resetWorkflow(input: { threadId: "wf-1" }) { success } }',
    masked: ['A required field of this input object was not provided.'],
    detail: /Field "ResetWorkflowInput\.reason" of required type "String!"/,
  },
  {
    label: 'a required argument left out',
    query: '{ workflow { gate } }',
    masked: ['A required argument of field "workflow" was not provided.'],
    detail: /argument "threadId" of type "ID!"/,
  },
  {
    label: 'an object field without a selection',
    query: '{ queues }',
    masked: ['Field "queues" must have a selection of subfields.'],
    detail: /of type "\[QueueLength!\]!"/,
  },
  {
    label: 'a selection on a leaf field',
    query: '{ queues { length { value } } }',
    masked: ['Field "length" must not have a selection since it has no subfields.'],
    detail: /since type "Int!"/,
  },
  {
    label: 'a string where an input object goes',
    query: 'mutation { resetWorkflow(input: "everything") { success } }',
    masked: ['Expected a value of another type, found "everything".'],
    detail: /Expected value of type "ResetWorkflowInput!"/,
  },
  {
    label: 'a string where an integer goes',
    query: '{ workflows(first: "many") { pageInfo { hasNextPage } } }',
    masked: ['This type cannot represent non-integer value: "many"'],
    detail: /^Int cannot represent/,
  },
  {
    label: 'a variable in a position of another type',
    query: 'query Q($f: String) { workflows(first: $f) { pageInfo { hasNextPage } } }',
    masked: ['Variable "$f" of type "String" is not allowed in this position.'],
    detail: /expecting type "Int!"/,
  },
  {
    label: 'a fragment spread where its type cannot be',
    query: '{ workflows { pageInfo { ... on Workflow { gate } } } }',
    masked: ['Fragment cannot be spread here as no object here can be of type "Workflow".'],
    detail: /objects of type "PageInfo"/,
  },
  {
    label: 'one alias for fields of conflicting types',
    query:
      'subscription { workflowEvents(threadId: "wf-1") { ... on TaskResultEvent { x: status } ... on WorkflowResetEvent { x: gate } } }',
    masked: [
      'Fields "x" conflict because they return conflicting types. ' +
        'Use different aliases on the fields to fetch both if this was intentional.',
    ],
    detail: /conflicting types "TaskStatus!" and "Int!"/,
  },
  {
    label: 'a string for an integer nested in an input variable',
    query: RESET,
    variables: { input: { threadId: 'wf-1', reason: 'probe', resetToGate: 'x' } },
    masked: ['Variable "$input" got invalid value "x" at "input.resetToGate"; This type cannot represent non-integer value: "x"'],
    detail: /; Int cannot represent/,
  },
  {
    label: 'a required input field left out of a variable',
    query: RESET,
    variables: { input: { threadId: 'wf-1' } },
    masked: ['Variable "$input" got invalid value { threadId: "wf-1" }; A required field of this input object was not provided.'],
    detail: /Field "reason" of required type "String!"/,
  },
  {
    label: 'a misspelled field nested in an input variable',
    query: RESET,
    variables: { input: { threadId: 'wf-1', reason: 'probe', clearTask: true } },
    masked: [
      'Variable "$input" got invalid value { threadId: "wf-1", reason: "probe", clearTask: true }; ' +
        'Field "clearTask" is not defined by this input object.',
    ],
    detail: /by type "ResetWorkflowInput"\. Did you mean "clearTasks"/,
  },
  {
    label: 'an object for an id in a subscription variable',
    query: 'subscription S($t: ID!) { workflowEvents(threadId: $t) { type } }',
    variables: { t: { id: 1 } },
    transports: ['graphql-ws'],
    masked: ['Variable "$t" got invalid value { id: 1 }; This type cannot represent value: { id: 1 }'],
    detail: /; ID cannot represent value/,
  },
];

/** Every name the schema defines (types, fields, arguments, input fields, enum values) and the built-in scalars. */
function schemaNames(): { types: Set<string>; all: Set<string> } {
  const sdl = parse(readFileSync(join(__dirname, '../../schema/schema.graphql'), 'utf8'));
  const types = new Set(specifiedScalarTypes.map((scalar) => scalar.name));
  const all = new Set(types);
  for (const definition of sdl.definitions) {
    if (!('name' in definition) || !definition.name || definition.kind === Kind.DIRECTIVE_DEFINITION) continue;
    types.add(definition.name.value);
    all.add(definition.name.value);
    const members = 'fields' in definition ? definition.fields : 'values' in definition ? definition.values : undefined;
    for (const member of members ?? []) {
      all.add(member.name.value);
      if (member.kind === Kind.ENUM_VALUE_DEFINITION) types.add(member.name.value);
      for (const argument of 'arguments' in member ? (member.arguments ?? []) : []) all.add(argument.name.value);
    }
  }
  return { types, all };
}

const NAMES = schemaNames();
const identifiers = (text: string) => text.match(/[_A-Za-z][_0-9A-Za-z]*/g) ?? [];

/**
 * The schema's names in `message` that the probe did not write: any quoted one, and a type name or enum
 * value anywhere (a field name such as `type` or `at` may be a plain word of the message).
 */
function unwrittenSchemaNames(message: string, probe: Probe): string[] {
  const written = new Set(identifiers(`${probe.query} ${JSON.stringify(probe.variables ?? {})}`));
  const quoted = (message.match(/"[^"]*"/g) ?? []).flatMap(identifiers);
  const named = [...quoted.filter((name) => NAMES.all.has(name)), ...identifiers(message).filter((name) => NAMES.types.has(name))];
  return [...new Set(named)].filter((name) => !written.has(name));
}

async function overHttp(app: TestApp, probe: Probe): Promise<string[]> {
  const { body } = await app.request(probe.query, probe.variables);
  return (body.errors ?? []).map((error) => error.message);
}

/** The messages a graphql-ws client gets for the operation, as a subscription would send them. */
async function overWebSocket(app: TestApp, probe: Probe): Promise<string[]> {
  const client = wsClient(app);
  try {
    const answer = new Promise<string[]>((resolve) => {
      client.subscribe<FormattedExecutionResult>(
        { query: probe.query, variables: probe.variables },
        {
          next: (result) => resolve((result.errors ?? []).map((error) => error.message)),
          error: (errors) => resolve((errors as Array<{ message: string }>).map((error) => error.message)),
          complete: () => resolve([]),
        },
      );
    });
    return await within(answer, `the answer to ${probe.label} over graphql-ws`);
  } finally {
    await client.dispose();
  }
}

const SUGGESTION = /Did you mean/;

describe('schema details in error messages', () => {
  const fixture = useTestApps({
    masked: { FIELD_SUGGESTIONS: 'false' },
    suggesting: { FIELD_SUGGESTIONS: 'true' },
  });

  describe.each([
    ['HTTP', overHttp],
    ['graphql-ws', overWebSocket],
  ] as const)('over %s', (transport, send) => {
    const probes = PROBES.filter((probe) => transportsOf(probe).includes(transport)).map((probe) => [probe.label, probe] as const);

    it.each(probes)('names no schema name the caller did not write for %s when FIELD_SUGGESTIONS is off', async (_label, probe) => {
      const messages = await send(fixture.apps.masked, probe);
      expect([...messages].sort()).toEqual([...probe.masked].sort());
      for (const message of messages) {
        expect(message).not.toMatch(SUGGESTION);
        expect(unwrittenSchemaNames(message, probe)).toEqual([]);
      }
    });

    it.each(probes)('keeps graphql-js’s full message for %s when FIELD_SUGGESTIONS is on', async (_label, probe) => {
      const messages = await send(fixture.apps.suggesting, probe);
      expect(messages.join('\n')).toMatch(probe.detail);
    });
  });
});
