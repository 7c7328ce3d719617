// The security directives as SDL, for schemas built from type definitions (makeExecutableSchema).
import { astFromDirective } from '@graphql-tools/utils';
import { print, printType } from 'graphql';
import { authDirective, RoleEnum } from '../../src/graphql/directives/auth.directive';
import { rateLimitDirective } from '../../src/graphql/directives/rate-limit.directive';

export const authDirectiveTypeDefs = [printType(RoleEnum), print(astFromDirective(authDirective))].join('\n');
export const rateLimitDirectiveTypeDefs = print(astFromDirective(rateLimitDirective));
