import type { RedisClient } from '../client';
import type { RedisKeys } from '../keys';
import { runScript } from '../scripts';
import { positionalArguments } from './script-io';
import { decodeTaskWriteReply, type TaskWriteOutcome } from './task-fence';

export interface RecordTaskHeartbeatScriptRequest {
  taskId: string;
  /** The task's owner. */
  threadId: string;
  /** The attempt the agent holds. */
  attempt: number;
  now: number;
}

/** Sets a task's heartbeat_at only while the task is still the agent's; never creates a record. */
export async function runRecordTaskHeartbeat(
  redis: RedisClient,
  keys: RedisKeys,
  request: RecordTaskHeartbeatScriptRequest,
): Promise<TaskWriteOutcome> {
  const { taskId, threadId } = request;
  const reply = await runScript(
    redis,
    'recordTaskHeartbeat',
    [keys.task(taskId), keys.workflow(threadId), keys.agentActivity],
    positionalArguments(['attempt', 'now', 'threadId'], { attempt: String(request.attempt), now: String(request.now), threadId }),
  );
  return decodeTaskWriteReply('recordTaskHeartbeat', reply);
}
