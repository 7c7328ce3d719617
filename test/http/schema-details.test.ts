import type { FormattedExecutionResult } from 'graphql-ws';
import { useTestApps, type TestApp } from '../helpers/app';
import { within, wsClient } from '../subscriptions/support';

/**
 * Issue 11 point 2: with FIELD_SUGGESTIONS off, no error guesses at a name the caller did not write, over
 * HTTP and over graphql-ws, in validation and in variable coercion. Every probe is sent without a token.
 */
interface Probe {
  label: string;
  query: string;
  variables?: Record<string, unknown>;
  /** Real names of the schema the answer could suggest; none may appear when suggestions are off. */
  suggestible: RegExp;
}

/**
 * Variables are coerced only for an operation that runs: graphql-ws refuses a query or mutation before
 * reading them, so those probes go over HTTP only.
 */
const overBothTransports = (probe: Probe) => probe.variables === undefined;

const PROBES: Probe[] = [
  { label: 'an enum literal', query: '{ workflows(phase: RUNNIN) { pageInfo { hasNextPage } } }', suggestible: /RUNNING/ },
  {
    label: 'an enum in a variable',
    query: 'query Q($phase: WorkflowPhase) { workflows(phase: $phase) { pageInfo { hasNextPage } } }',
    variables: { phase: 'RUNNIN' },
    suggestible: /RUNNING/,
  },
  {
    label: 'an enum nested in an input variable',
    query: 'mutation M($input: ResetWorkflowInput!) { resetWorkflow(input: $input) { success } }',
    variables: { input: { threadId: 'wf-1', reason: 'probe', expectedPhase: 'STOPPD' } },
    suggestible: /STOPPED/,
  },
  {
    label: 'an enum nested in an input literal',
    query: 'mutation { resetWorkflow(input: { threadId: "wf-1", reason: "probe", expectedPhase: STOPPD }) { success } }',
    suggestible: /STOPPED/,
  },
  { label: 'a misspelled field', query: '{ workflowz { pageInfo { hasNextPage } } }', suggestible: /"workflows?"/ },
  { label: 'a misspelled mutation', query: 'mutation { resetWorkflo(input: {}) { success } }', suggestible: /resetWorkflow\b/ },
  { label: 'a misspelled argument', query: '{ workflows(phas: RUNNING) { pageInfo { hasNextPage } } }', suggestible: /"phase"/ },
  {
    label: 'a misspelled input field',
    query: 'mutation { resetWorkflow(input: { threadId: "wf-1", reasn: "x" }) { success } }',
    suggestible: /"reason"/,
  },
  { label: 'a misspelled type', query: 'query Q($p: WorkflowPhas) { workflows(phase: $p) { pageInfo { hasNextPage } } }', suggestible: /"WorkflowPhase"/ },
];

const SUGGESTION = /Did you mean/;

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

describe('schema details in error messages', () => {
  const fixture = useTestApps({
    masked: { FIELD_SUGGESTIONS: 'false' },
    suggesting: { FIELD_SUGGESTIONS: 'true' },
  });

  describe.each([
    ['HTTP', overHttp],
    ['graphql-ws', overWebSocket],
  ] as const)('over %s', (transport, send) => {
    const probes = PROBES.filter((probe) => transport === 'HTTP' || overBothTransports(probe));
    it.each(probes.map((probe) => [probe.label, probe] as const))(
      'suggests no schema name for %s when FIELD_SUGGESTIONS is off',
      async (_label, probe) => {
        const messages = await send(fixture.apps.masked, probe);
        expect(messages.length).toBeGreaterThan(0);
        for (const message of messages) {
          expect(message).not.toMatch(SUGGESTION);
          expect(message).not.toMatch(probe.suggestible);
        }
      },
    );

    it.each(probes.map((probe) => [probe.label, probe] as const))('still suggests for %s when FIELD_SUGGESTIONS is on', async (_label, probe) => {
      const messages = await send(fixture.apps.suggesting, probe);
      expect(messages.join('\n')).toMatch(SUGGESTION);
      expect(messages.join('\n')).toMatch(probe.suggestible);
    });
  });
});
