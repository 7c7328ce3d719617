import type { RedisClient } from '../client';
import type { RedisKeys } from '../keys';
import { runScript } from '../scripts';
import { positionalArguments } from './script-io';
import { decodeTaskWriteReply, type TaskWriteOutcome } from './task-fence';

export interface RecordTaskResultScriptRequest {
  taskId: string;
  /** The task's owner. */
  threadId: string;
  /** The attempt the agent holds. */
  attempt: number;
  /** The result, already JSON. */
  result: string;
  status: 'completed' | 'failed';
  now: number;
}

/** The order of ARGV in record-task-result.lua, which agents call too (docs/redis-contract.md). */
const ARGS = ['taskId', 'attempt', 'result', 'status', 'now', 'channel', 'threadId'] as const;

/** Writes a task's result and final status only while the agent's attempt is the workflow's. */
export async function runRecordTaskResult(
  redis: RedisClient,
  keys: RedisKeys,
  request: RecordTaskResultScriptRequest,
): Promise<TaskWriteOutcome> {
  const { taskId, threadId } = request;
  const reply = await runScript(
    redis,
    'recordTaskResult',
    [keys.task(taskId), keys.result(taskId), keys.workflow(threadId), keys.agentActivity],
    positionalArguments(ARGS, { ...request, attempt: String(request.attempt), now: String(request.now), channel: keys.resultsChannel }),
  );
  return decodeTaskWriteReply('recordTaskResult', reply);
}
