import { Field, ID, ObjectType } from 'type-graphql';
import type { ResetAuditEntry } from '../workflows/workflow.types';
import { AuditKindEnum } from './enums';
import { ClearedItems, WorkflowStateType } from './reset.type';
import { PageInfo } from './workflow.type';

@ObjectType('ResetAuditEntry', { description: 'One entry of the audit trail: who reset (or previewed) what, when, why, and what changed.' })
export class ResetAuditEntryType {
  @Field(() => ID, {
    description:
      'Unique across every trail: the stream id in the all-workflows trail (resetAudit without threadId), ' +
      "`<threadId>/<stream id>` in one workflow's (resetAudit(threadId), Workflow.resets), so one reset read " +
      'from both has two ids. Pass as `after` to continue after it in the same trail.',
  })
  id!: string;

  @Field(() => AuditKindEnum)
  kind!: ResetAuditEntry['kind'];

  @Field(() => ID)
  threadId!: string;

  @Field(() => String, { description: "The caller's token subject." })
  actor!: string;

  @Field(() => String)
  reason!: string;

  @Field(() => String, { nullable: true })
  requestId!: string | null;

  @Field(() => Date)
  at!: Date;

  @Field(() => ClearedItems, { description: 'What was cleared (on a preview: what would have been).' })
  cleared!: ClearedItems;

  @Field(() => WorkflowStateType, { nullable: true })
  before!: WorkflowStateType | null;

  @Field(() => WorkflowStateType, { nullable: true })
  after!: WorkflowStateType | null;
}

@ObjectType({ description: 'Audit entries, newest first.' })
export class ResetAuditConnection {
  @Field(() => [ResetAuditEntryType])
  nodes!: ResetAuditEntryType[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
