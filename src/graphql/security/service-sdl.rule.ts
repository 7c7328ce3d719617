import { GraphQLError, type ValidationRule } from 'graphql';

/**
 * Federation's `_service { sdl }` is introspection by another name: with introspection off it is
 * refused too, so the schema is not handed to anyone who asks. Compose the supergraph from the
 * committed schema/schema.graphql (rover) instead, or give the gateway GATEWAY_SECRET: the gateway's own
 * Apollo server (server.ts) leaves this rule out.
 */
export const NoServiceSdl: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '_service' && context.getParentType()?.name === 'Query') {
      context.reportError(new GraphQLError('_service is disabled while introspection is off (INTROSPECTION=false)', { nodes: [node] }));
    }
  },
});
