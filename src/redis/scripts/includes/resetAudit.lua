-- Adds the audit entry of a reset or a preview to the all-workflows stream and the workflow's
-- (docs/redis-contract.md, "Audit entry fields"): the one place its fields are listed. `entry` holds
-- strings; an empty one stands for "none".
local function addResetAudit(auditKey, auditMaxLength, workflowAuditKey, workflowAuditMaxLength, entry)
  local function add(key, maxLength)
    return redis.call('XADD', key, 'MAXLEN', '~', maxLength, '*',
      'kind', entry.kind, 'thread_id', entry.threadId, 'actor', entry.actor, 'reason', entry.reason,
      'request_id', entry.requestId, 'at', entry.at, 'gate', entry.gate, 'clear_tasks', entry.clearTasks,
      'clear_results', entry.clearResults, 'tasks', entry.tasks, 'results', entry.results,
      'cancelled', entry.cancelled, 'queues', entry.queues, 'before_gate', entry.beforeGate,
      'before_phase', entry.beforePhase, 'before_attempt', entry.beforeAttempt,
      'phase', entry.phase, 'attempt', entry.attempt, 'plan_token', entry.planToken)
  end
  add(auditKey, auditMaxLength)
  add(workflowAuditKey, workflowAuditMaxLength)
end
