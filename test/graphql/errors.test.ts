import { GraphQLError, parse, type FieldNode, type OperationDefinitionNode } from 'graphql';
import pino from 'pino';
import { createErrorFormatter } from '../../src/graphql/errors';
import { GENERIC_SCHEMA_MESSAGE } from '../../src/graphql/security/schema-details';
import { WorkflowError } from '../../src/workflows/workflow.types';

/** The formatter as both transports get it, with FIELD_SUGGESTIONS off or on. */
const masking = createErrorFormatter(pino({ level: 'silent' }), { suggestions: false });
const suggesting = createErrorFormatter(pino({ level: 'silent' }), { suggestions: true });

const DOCUMENT = parse('{ workflowz { nodes { threadId } } }');
const FIELD = (DOCUMENT.definitions[0] as OperationDefinitionNode).selectionSet.selections[0] as FieldNode;

/** An error as Apollo hands it to formatError: with its code, located in DOCUMENT. */
function errorIn(message: string, code: string, path?: string[]): GraphQLError {
  return new GraphQLError(message, { nodes: [FIELD], path, extensions: { code } });
}

const format = (formatter: typeof masking, error: GraphQLError) => formatter({ ...error.toJSON() }, error);

describe('createErrorFormatter and schema details', () => {
  it('words a validation error without the schema names graphql-js gives', () => {
    const error = errorIn('Cannot query field "workflowz" on type "Query". Did you mean "workflows"?', 'GRAPHQL_VALIDATION_FAILED');
    expect(format(masking, error)).toMatchObject({
      message: 'Cannot query field "workflowz" here.',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('answers generically, keeping the code, when an unknown wording quotes a name the document lacks', () => {
    const error = errorIn('Something new about "Query.secret".', 'GRAPHQL_VALIDATION_FAILED');
    expect(format(masking, error)).toMatchObject({ message: GENERIC_SCHEMA_MESSAGE, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  });

  it('words a request-level BAD_USER_INPUT (variable coercion) the same way', () => {
    const error = errorIn('Variable "$p" got invalid value "X"; Value "X" does not exist in "WorkflowPhase" enum.', 'BAD_USER_INPUT');
    expect(format(masking, error).message).toBe('Variable "$p" got invalid value "X"; Value "X" is not a value of this enum.');
  });

  it('leaves a field’s own BAD_USER_INPUT (it has a path) as it is', () => {
    const error = errorIn('Representation of "Secret" is not an entity.', 'BAD_USER_INPUT', ['_entities']);
    expect(format(masking, error).message).toBe('Representation of "Secret" is not an entity.');
  });

  it('leaves a domain error’s message as it is', () => {
    const error = new GraphQLError('wrapped', {
      path: ['resetWorkflow'],
      originalError: new WorkflowError('BAD_USER_INPUT', 'threadId "x:tasks" is not allowed', 'threadId'),
    });
    expect(format(masking, error)).toMatchObject({
      message: 'threadId "x:tasks" is not allowed',
      extensions: { code: 'BAD_USER_INPUT', field: 'threadId' },
    });
  });

  it('keeps graphql-js’s full message with FIELD_SUGGESTIONS on', () => {
    const message = 'Cannot query field "workflowz" on type "Query". Did you mean "workflows"?';
    expect(format(suggesting, errorIn(message, 'GRAPHQL_VALIDATION_FAILED')).message).toBe(message);
  });
});
