import { GENERIC_SCHEMA_MESSAGE, maskSchemaDetails, withoutSuggestions } from '../../../src/graphql/security/schema-details';

describe('withoutSuggestions', () => {
  it.each([
    [
      'Cannot query field "workflowz" on type "Query". Did you mean "workflow" or "workflows"?',
      'Cannot query field "workflowz" on type "Query".',
    ],
    ['Unknown argument "firs" on field "Query.workflows". Did you mean "first"?', 'Unknown argument "firs" on field "Query.workflows".'],
    ['Unknown type "WorkflowPhas". Did you mean "WorkflowPhase", "TaskDomain", or "Role"?', 'Unknown type "WorkflowPhas".'],
    [
      'Value "RUNNIN" does not exist in "WorkflowPhase" enum. Did you mean the enum value "RUNNING"?',
      'Value "RUNNIN" does not exist in "WorkflowPhase" enum.',
    ],
    [
      'Variable "$p" got invalid value "STOPPD"; ' +
        'Value "STOPPD" does not exist in "WorkflowPhase" enum. Did you mean the enum value "STOPPED" or "STUCK"?',
      'Variable "$p" got invalid value "STOPPD"; Value "STOPPD" does not exist in "WorkflowPhase" enum.',
    ],
    [
      'Field "tasks" of type "[Task!]!" must have a selection of subfields. Did you mean "tasks { ... }"?',
      'Field "tasks" of type "[Task!]!" must have a selection of subfields.',
    ],
  ])('cuts the guess from %j', (message, masked) => {
    expect(withoutSuggestions(message)).toBe(masked);
  });

  it('leaves a message without a guess as it is', () => {
    expect(withoutSuggestions('Expected value of type "Int!", found "many".')).toBe('Expected value of type "Int!", found "many".');
  });
});

/** A graphql-js message (suggestions included, as FIELD_SUGGESTIONS on sends it), the document it answered, and its masked wording. */
type Case = [message: string, document: string, masked: string];

const VALIDATION: Case[] = [
  [
    'Cannot query field "workflowz" on type "Query". Did you mean "workflow" or "workflows"?',
    '{ workflowz { nodes { threadId } } }',
    'Cannot query field "workflowz" here.',
  ],
  [
    'Unknown argument "x" on field "Query.workflows". Did you mean "after"?',
    '{ workflows(x: 1) { nodes { threadId } } }',
    'Unknown argument "x" on field "workflows".',
  ],
  [
    'Field "x" is not defined by type "ResetWorkflowInput". Did you mean "dryRun"?',
    'mutation { resetWorkflow(input: { threadId: "a", reason: "b", x: 1 }) { success } }',
    'Field "x" is not defined by this input object.',
  ],
  [
    'Field "ResetWorkflowInput.reason" of required type "String!" was not provided.',
    'mutation { resetWorkflow(input: { threadId: "a" }) { success } }',
    'A required field of this input object was not provided.',
  ],
  [
    'Field "workflow" argument "threadId" of type "ID!" is required, but it was not provided.',
    '{ workflow { gate } }',
    'A required argument of field "workflow" was not provided.',
  ],
  [
    'Directive "@include" argument "if" of type "Boolean!" is required, but it was not provided.',
    '{ queues @include { length } }',
    'A required argument of directive "@include" was not provided.',
  ],
  [
    'Field "queues" of type "[QueueLength!]!" must have a selection of subfields. Did you mean "queues { ... }"?',
    '{ queues }',
    'Field "queues" must have a selection of subfields.',
  ],
  [
    'Field "length" must not have a selection since type "Int!" has no subfields.',
    '{ queues { length { x } } }',
    'Field "length" must not have a selection since it has no subfields.',
  ],
  [
    'Field "workflowEvents" of type "WorkflowEvent!" must have at least one field selected.',
    'subscription { workflowEvents(threadId: "a") }',
    'Field "workflowEvents" must have at least one field selected.',
  ],
  [
    'Expected value of type "Int!", found "x".',
    '{ workflows(first: "x") { nodes { gate } } }',
    'Expected a value of another type, found "x".',
  ],
  [
    'Expected value of type "DateTimeISO", found "x"; DateTimeISO cannot represent an invalid date-time-string x.',
    '{ q(at: "x") }',
    'Expected a value of another type, found "x"; This type cannot represent an invalid date-time-string x.',
  ],
  [
    'Int cannot represent non-integer value: "x"',
    '{ workflows(first: "x") { nodes { gate } } }',
    'This type cannot represent non-integer value: "x"',
  ],
  [
    'Value "RUNNIN" does not exist in "WorkflowPhase" enum. Did you mean the enum value "RUNNING"?',
    '{ workflows(phase: RUNNIN) { nodes { gate } } }',
    'Value "RUNNIN" is not a value of this enum.',
  ],
  [
    'Enum "WorkflowPhase" cannot represent non-enum value: "RUNNING". Did you mean the enum value "RUNNING"?',
    '{ workflows(phase: "RUNNING") { nodes { gate } } }',
    'This type cannot represent non-enum value: "RUNNING".',
  ],
  [
    'Variable "$f" of type "String" used in position expecting type "Int!".',
    'query Q($f: String) { workflows(first: $f) { nodes { gate } } }',
    'Variable "$f" of type "String" is not allowed in this position.',
  ],
  [
    'Variable "$v" is of type "In" but must be non-nullable to be used for OneOf Input Object "Pick".',
    'query Q($v: In) { pick(by: { a: $v }) }',
    'Variable "$v" is of type "In" but must be non-nullable to be used for this OneOf input object.',
  ],
  [
    'OneOf Input Object "Pick" must specify exactly one key.',
    '{ pick(by: { a: 1, b: 2 }) }',
    'This OneOf input object must specify exactly one key.',
  ],
  ['Field "Pick.a" must be non-null.', '{ pick(by: { a: null }) }', 'Field "a" must be non-null.'],
  [
    'Fragment cannot be spread here as objects of type "PageInfo" can never be of type "Workflow".',
    '{ workflows { pageInfo { ... on Workflow { gate } } } }',
    'Fragment cannot be spread here as no object here can be of type "Workflow".',
  ],
  [
    'Fragment "W" cannot be spread here as objects of type "PageInfo" can never be of type "Workflow".',
    '{ workflows { pageInfo { ...W } } } fragment W on Workflow { gate }',
    'Fragment "W" cannot be spread here as no object here can be of type "Workflow".',
  ],
  [
    'Fields "x" conflict because they return conflicting types "TaskStatus!" and "Int!". ' +
      'Use different aliases on the fields to fetch both if this was intentional.',
    'subscription { workflowEvents(threadId: "a") { ... on TaskResultEvent { x: status } ... on WorkflowResetEvent { x: gate } } }',
    'Fields "x" conflict because they return conflicting types. Use different aliases on the fields to fetch both if this was intentional.',
  ],
];

/** What variable coercion says; the value and path after "got invalid value" are the caller's own variables. */
const COERCION: Case[] = [
  [
    'Variable "$phase" got invalid value "RUNNIN"; ' +
      'Value "RUNNIN" does not exist in "WorkflowPhase" enum. Did you mean the enum value "RUNNING"?',
    'query Q($phase: WorkflowPhase) { workflows(phase: $phase) { nodes { gate } } }',
    'Variable "$phase" got invalid value "RUNNIN"; Value "RUNNIN" is not a value of this enum.',
  ],
  [
    'Variable "$input" got invalid value "STOPPD" at "input.expectedPhase"; Value "STOPPD" does not exist in "WorkflowPhase" enum.',
    'mutation M($input: ResetWorkflowInput!) { resetWorkflow(input: $input) { success } }',
    'Variable "$input" got invalid value "STOPPD" at "input.expectedPhase"; Value "STOPPD" is not a value of this enum.',
  ],
  [
    'Variable "$input" got invalid value { threadId: "a" }; Field "reason" of required type "String!" was not provided.',
    'mutation M($input: ResetWorkflowInput!) { resetWorkflow(input: $input) { success } }',
    'Variable "$input" got invalid value { threadId: "a" }; A required field of this input object was not provided.',
  ],
  [
    'Variable "$input" got invalid value { threadId: "a", reasn: "b" }; ' +
      'Field "reasn" is not defined by type "ResetWorkflowInput". Did you mean "reason"?',
    'mutation M($input: ResetWorkflowInput!) { resetWorkflow(input: $input) { success } }',
    'Variable "$input" got invalid value { threadId: "a", reasn: "b" }; Field "reasn" is not defined by this input object.',
  ],
  [
    'Variable "$input" got invalid value "x" at "input.resetToGate"; Int cannot represent non-integer value: "x"',
    'mutation M($input: ResetWorkflowInput!) { resetWorkflow(input: $input) { success } }',
    'Variable "$input" got invalid value "x" at "input.resetToGate"; This type cannot represent non-integer value: "x"',
  ],
  [
    'Variable "$input" got invalid value null at "input.threadId"; Expected non-nullable type "ID!" not to be null.',
    'mutation M($input: ResetWorkflowInput!) { resetWorkflow(input: $input) { success } }',
    'Variable "$input" got invalid value null at "input.threadId"; Expected a non-null value.',
  ],
  [
    'Variable "$input" got invalid value 1; Expected type "ResetWorkflowInput" to be an object.',
    'mutation M($input: ResetWorkflowInput!) { resetWorkflow(input: $input) { success } }',
    'Variable "$input" got invalid value 1; Expected an input object.',
  ],
  [
    'Variable "$at" got invalid value "x"; Expected type "DateTimeISO". DateTimeISO cannot represent an invalid date-time-string x.',
    'query Q($at: DateTimeISO) { q(at: $at) }',
    'Variable "$at" got invalid value "x"; Expected a value of another type. This type cannot represent an invalid date-time-string x.',
  ],
  [
    'Variable "$by" got invalid value { a: 1, b: 2 }; Exactly one key must be specified for OneOf type "Pick".',
    'query Q($by: Pick!) { pick(by: $by) }',
    'Variable "$by" got invalid value { a: 1, b: 2 }; Exactly one key must be specified for this OneOf input object.',
  ],
];

/** Messages that name only what the caller wrote: kept word for word. */
/** execution/values: arguments whose value only the variables made wrong, refused while executing. */
const LATE_ARGUMENT: Case[] = [
  [
    'Argument "first" of non-null type "Int!" must not be null.',
    'query ($first: Int) { workflows(first: $first) { nodes { threadId } } }',
    'Argument "first" must not be null.',
  ],
  ['Argument "threadId" of required type "ID!" was not provided.', '{ workflow { threadId } }', 'A required argument was not provided.'],
  [
    'Argument "first" of required type "Int!" was provided the variable "$n" which was not provided a runtime value.',
    'query ($n: Int) { workflows(first: $n) { nodes { threadId } } }',
    'Argument "first" was given the variable "$n", which has no value.',
  ],
];

const CALLER_WRITTEN: Case[] = [
  ['Unknown type "WorkflowPhas".', 'query Q($p: WorkflowPhas) { workflows(phase: $p) { nodes { gate } } }', 'Unknown type "WorkflowPhas".'],
  ['Unknown fragment "F".', '{ ...F }', 'Unknown fragment "F".'],
  ['Unknown directive "@nope".', '{ queues @nope { length } }', 'Unknown directive "@nope".'],
  [
    'Unknown argument "x" on directive "@include".',
    '{ queues @include(if: true, x: 1) { length } }',
    'Unknown argument "x" on directive "@include".',
  ],
  [
    'Variable "$t" of required type "ID!" was not provided.',
    'subscription S($t: ID!) { workflowEvents(threadId: $t) { type } }',
    'Variable "$t" of required type "ID!" was not provided.',
  ],
  [
    'Variable "$x" is never used in operation "Q".',
    'query Q($x: Int) { queues { length } }',
    'Variable "$x" is never used in operation "Q".',
  ],
  [
    'There can be only one argument named "first".',
    '{ workflows(first: 1, first: 2) { nodes { gate } } }',
    'There can be only one argument named "first".',
  ],
  [
    'Fields "x" conflict because "gate" and "attempt" are different fields. ' +
      'Use different aliases on the fields to fetch both if this was intentional.',
    '{ workflow(threadId: "a") { x: gate x: attempt } }',
    'Fields "x" conflict because "gate" and "attempt" are different fields. ' +
      'Use different aliases on the fields to fetch both if this was intentional.',
  ],
  [
    'Fragment cannot condition on non composite type "Int".',
    '{ queues { ... on Int { length } } }',
    'Fragment cannot condition on non composite type "Int".',
  ],
];

describe('maskSchemaDetails', () => {
  it.each(VALIDATION)('words %j without a schema name', (message, document, masked) => {
    expect(maskSchemaDetails(message, document)).toBe(masked);
  });

  it.each(COERCION)('words the coercion error %j without a schema name, keeping the caller’s value', (message, document, masked) => {
    expect(maskSchemaDetails(message, document)).toBe(masked);
  });

  it.each(LATE_ARGUMENT)('words the execution-time argument error %j without a schema name', (message, document, masked) => {
    expect(maskSchemaDetails(message, document)).toBe(masked);
  });

  it.each(CALLER_WRITTEN)('keeps %j, which names only what the caller wrote', (message, document, masked) => {
    expect(maskSchemaDetails(message, document)).toBe(masked);
  });

  it.each([...VALIDATION, ...COERCION, ...LATE_ARGUMENT, ...CALLER_WRITTEN])(
    'masks %j once and for all: masking again changes nothing',
    (message, document) => {
      const masked = maskSchemaDetails(message, document);
      expect(maskSchemaDetails(masked, document)).toBe(masked);
    },
  );

  describe('the safety net', () => {
    it('answers generically for a message no pattern knows that quotes a name the document does not hold', () => {
      expect(maskSchemaDetails('Field "ResetWorkflowInput.secret" is new in graphql-js 17.', '{ queues { length } }')).toBe(
        GENERIC_SCHEMA_MESSAGE,
      );
    });

    it('takes a name only as a whole word of the document: "Workflow" is not written by "resetWorkflow"', () => {
      expect(maskSchemaDetails('A new message about "Workflow".', 'mutation { resetWorkflow(input: {}) { success } }')).toBe(
        GENERIC_SCHEMA_MESSAGE,
      );
    });

    it('keeps an unknown message whose quoted names all are in the document', () => {
      expect(maskSchemaDetails('A new message about "queues" and "$x".', 'query Q($x: Int) { queues { length } }')).toBe(
        'A new message about "queues" and "$x".',
      );
    });

    it('counts the value and path a coercion error quotes from the variables as written, but nothing after them', () => {
      const document = 'query Q($v: In) { q(v: $v) }';
      expect(maskSchemaDetails('Variable "$v" got invalid value "a" at "v.b"; A new message about "a" and "b".', document)).toBe(
        'Variable "$v" got invalid value "a" at "v.b"; A new message about "a" and "b".',
      );
      expect(maskSchemaDetails('Variable "$v" got invalid value "a"; A new message about "Secret".', document)).toBe(
        GENERIC_SCHEMA_MESSAGE,
      );
    });

    it('answers generically when no document is known and a name is quoted', () => {
      expect(maskSchemaDetails('Cannot query field "workflowz" on type "Query".', undefined)).toBe(GENERIC_SCHEMA_MESSAGE);
    });

    it('keeps a message that quotes nothing, document or not', () => {
      expect(maskSchemaDetails('Too many errors processing variables, error limit reached. Execution aborted.', undefined)).toBe(
        'Too many errors processing variables, error limit reached. Execution aborted.',
      );
    });
  });
});
