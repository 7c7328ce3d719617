import type { CodegenConfig } from '@graphql-codegen/cli';

/** Typed operations for clients (dashboards, tests) generated from the committed schema. */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: [],
  generates: {
    'generated/graphql.ts': {
      plugins: ['typescript'],
      config: { enumsAsTypes: true, scalars: { DateTimeISO: 'string', JSON: 'unknown' } },
    },
  },
};

export default config;
