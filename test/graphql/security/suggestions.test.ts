import { withoutSuggestions } from '../../../src/graphql/security/suggestions';

describe('withoutSuggestions', () => {
  it.each([
    ['Cannot query field "workflowz" on type "Query". Did you mean "workflow" or "workflows"?', 'Cannot query field "workflowz" on type "Query".'],
    ['Unknown argument "firs" on field "Query.workflows". Did you mean "first"?', 'Unknown argument "firs" on field "Query.workflows".'],
    ['Unknown type "WorkflowPhas". Did you mean "WorkflowPhase", "TaskDomain", or "Role"?', 'Unknown type "WorkflowPhas".'],
    ['Value "RUNNIN" does not exist in "WorkflowPhase" enum. Did you mean the enum value "RUNNING"?', 'Value "RUNNIN" does not exist in "WorkflowPhase" enum.'],
    [
      'Variable "$p" got invalid value "STOPPD"; Value "STOPPD" does not exist in "WorkflowPhase" enum. Did you mean the enum value "STOPPED" or "STUCK"?',
      'Variable "$p" got invalid value "STOPPD"; Value "STOPPD" does not exist in "WorkflowPhase" enum.',
    ],
    ['Field "tasks" of type "[Task!]!" must have a selection of subfields. Did you mean "tasks { ... }"?', 'Field "tasks" of type "[Task!]!" must have a selection of subfields.'],
  ])('cuts the guess from %j', (message, masked) => {
    expect(withoutSuggestions(message)).toBe(masked);
  });

  it('leaves a message without a guess as it is', () => {
    expect(withoutSuggestions('Expected value of type "Int!", found "many".')).toBe('Expected value of type "Int!", found "many".');
  });
});
