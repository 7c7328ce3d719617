import { specifiedDirectives, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import type { RedisClient } from '../redis/client';
import type { RedisKeys } from '../redis/keys';
import { applySecurityDirectives, declareAuthDirective, securityDirectives } from './directives';
import { buildSubgraphFromDeclared, printSubgraphTypeDefs } from './federation';
import { ResetAuditResolver, WorkflowResetsResolver } from './audit.resolver';
import { CallerResolver } from './caller.resolver';
import { QueueLengthResolver } from './queue.resolver';
import { WorkflowCountsResolver } from './workflow-counts.resolver';
import { ResetResolver } from './reset.resolver';
import { StuckReasonResolver, StuckResolver, WorkflowHealthResolver } from './stuck.resolver';
import { WorkflowResolver } from './workflow.resolver';
import { noTopicPubSub, WorkflowEventResolver } from './workflow-event.resolver';

/** The schema as declared in code, directives included: what schema/schema.graphql shows. */
export async function buildDeclaredSchema(): Promise<GraphQLSchema> {
  const built = await buildSchema({
    resolvers: [
      CallerResolver,
      WorkflowResolver,
      QueueLengthResolver,
      WorkflowCountsResolver,
      WorkflowHealthResolver,
      WorkflowResetsResolver,
      StuckReasonResolver,
      ResetResolver,
      StuckResolver,
      ResetAuditResolver,
      WorkflowEventResolver,
    ],
    // Subscription.workflowEvents brings its own `subscribe`; type-graphql still insists on a pubSub.
    pubSub: noTopicPubSub,
    // Listing directives replaces the standard ones: keep @include, @skip, @deprecated, @specifiedBy.
    directives: [...specifiedDirectives, ...securityDirectives],
    // Inputs are validated by the domain service, which names the offending field.
    validate: false,
  });
  return declareAuthDirective(built);
}

const SCHEMA_FILE_HEADER = '# Generated from the code by `npm run schema:print`; do not edit by hand.\n\n';

/**
 * The text of schema/schema.graphql: the declared schema with its @auth, @rateLimit and @key directives,
 * under the federation @link, which is the SDL a router composes us from.
 */
export async function printDeclaredSchema(): Promise<string> {
  return SCHEMA_FILE_HEADER + printSubgraphTypeDefs(await buildDeclaredSchema()) + '\n';
}

export interface SchemaDependencies {
  redis: RedisClient;
  keys: RedisKeys;
}

/** The schema the server executes: the Federation 2 subgraph, with @auth and @rateLimit enforced. */
export async function buildExecutableSchema(deps: SchemaDependencies): Promise<GraphQLSchema> {
  return applySecurityDirectives(buildSubgraphFromDeclared(await buildDeclaredSchema()), deps);
}
