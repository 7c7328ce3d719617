// The security directives as SDL, for schemas built from type definitions (makeExecutableSchema).
import { astFromDirective } from '@graphql-tools/utils';
import { getNamedType, print, printType } from 'graphql';
import { authDirective } from '../../src/graphql/directives/auth.directive';
import { rateLimitDirective } from '../../src/graphql/directives/rate-limit.directive';

/** `enum Role` (the type of @auth's `requires`) and `directive @auth`. */
const roleEnum = getNamedType(authDirective.args.find((arg) => arg.name === 'requires')!.type);
export const authDirectiveTypeDefs = [printType(roleEnum), print(astFromDirective(authDirective))].join('\n');
export const rateLimitDirectiveTypeDefs = print(astFromDirective(rateLimitDirective));
