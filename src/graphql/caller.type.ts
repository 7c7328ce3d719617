import { Field, ObjectType } from 'type-graphql';
import type { Role } from '../auth/roles';
import { RoleEnum } from './enums';

@ObjectType('Caller', { description: 'Who this token proves the caller to be, and what it may do.' })
export class CallerType {
  @Field(() => String, { description: "The token's subject: the actor audit entries name." })
  subject!: string;

  @Field(() => [RoleEnum], { description: 'The roles the token grants; each includes the ones below it.' })
  roles!: Role[];

  @Field(() => Date, {
    description: 'The last moment the token is accepted (its expiry plus JWT_CLOCK_TOLERANCE); subscriptions end then.',
  })
  validUntil!: Date;
}
