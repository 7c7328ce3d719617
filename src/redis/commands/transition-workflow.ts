import type { RedisClient } from '../client';
import type { RedisKeys } from '../keys';
import { runScript } from '../scripts';
import { outcomeOf, positionalArguments, replyList } from './script-io';

/** The replies of transition-workflow.lua. */
export enum TransitionWorkflowOutcome {
  /** The current phase is not one the move starts from: nothing changed. */
  PhaseForbids = -1,
  NoWorkflow = 0,
  Moved = 1,
}

export interface TransitionWorkflowRequest {
  threadId: string;
  to: string;
  /** The phases the move starts from. */
  from: readonly string[];
  /** Every phase the service knows: any other stored value reads as pending. */
  knownPhases: readonly string[];
  now: number;
}

export interface TransitionWorkflowReply {
  outcome: TransitionWorkflowOutcome;
  /** The phase the workflow was in, as the script read it ('' without a record). */
  phase: string;
}

/** Moves a workflow to a phase only from the phases allowed, as one check-and-set. */
export async function runTransitionWorkflow(
  redis: RedisClient,
  keys: RedisKeys,
  request: TransitionWorkflowRequest,
): Promise<TransitionWorkflowReply> {
  const reply = await runScript(
    redis,
    'transitionWorkflow',
    [keys.workflow(request.threadId)],
    positionalArguments(['to', 'now', 'from', 'knownPhases'], {
      to: request.to,
      now: String(request.now),
      from: request.from.join(','),
      knownPhases: request.knownPhases.join(','),
    }),
  );
  return decodeTransitionWorkflowReply(reply);
}

export function decodeTransitionWorkflowReply(reply: unknown): TransitionWorkflowReply {
  const [code, phase] = replyList('transitionWorkflow', reply);
  return { outcome: outcomeOf('transitionWorkflow', TransitionWorkflowOutcome, code, reply), phase: String(phase ?? '') };
}
