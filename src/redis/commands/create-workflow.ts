import type { RedisClient } from '../client';
import type { RedisKeys } from '../keys';
import { runScript } from '../scripts';
import { outcomeOf, positionalArguments } from './script-io';

/** The replies of create-workflow.lua. */
export enum CreateWorkflowOutcome {
  AlreadyExists = 0,
  Created = 1,
}

export interface CreateWorkflowRequest {
  threadId: string;
  /** Epoch ms: created_at, updated_at and the index score. */
  now: number;
}

/** A new workflow record at gate 0, phase pending, indexed; nothing when the id exists. */
export async function runCreateWorkflow(
  redis: RedisClient,
  keys: RedisKeys,
  request: CreateWorkflowRequest,
): Promise<CreateWorkflowOutcome> {
  const { threadId, now } = request;
  const reply = await runScript(
    redis,
    'createWorkflow',
    [keys.workflow(threadId), keys.workflowIndex],
    positionalArguments(['threadId', 'now'], { threadId, now: String(now) }),
  );
  return decodeCreateWorkflowReply(reply);
}

export function decodeCreateWorkflowReply(reply: unknown): CreateWorkflowOutcome {
  return outcomeOf('createWorkflow', CreateWorkflowOutcome, reply);
}
