import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the operations a frontend uses (documents/*.graphql), generated offline from
 * the committed schema. `npm run codegen` writes them; a test fails when the committed output is stale.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: 'documents/*.graphql',
  generates: {
    'generated/operations.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
        scalars: { DateTimeISO: 'string', JSON: 'unknown' },
        useTypeImports: true,
      },
    },
  },
};

export default config;
