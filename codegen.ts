import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the operations a frontend uses (documents/*.graphql), generated offline from
 * the committed schema. `npm run codegen` writes them; a test fails when the committed output is stale.
 */
const typedDocuments = {
  plugins: ['typescript-operations', 'typed-document-node'],
  config: {
    avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
    scalars: { DateTimeISO: 'string', JSON: 'unknown' },
    useTypeImports: true,
  },
};

const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  generates: {
    'generated/operations.ts': { documents: 'documents/*.graphql', ...typedDocuments },
    // The operator console's own operations (console/ imports them; tsconfig.browser.json typechecks them).
    'generated/console-operations.ts': {
      // With the shared fragments of documents/workflow-fields.graphql, which each output writes for itself.
      documents: ['documents/console/*.graphql', 'documents/workflow-fields.graphql'],
      ...typedDocuments,
    },
  },
  // Then the manifest of trusted documents, from the typed documents just written (TRUSTED_DOCUMENTS).
  hooks: { afterAllFileWrite: ['ts-node --transpile-only scripts/persisted-documents.ts'] },
};

export default config;
