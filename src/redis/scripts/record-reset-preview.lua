--[[
record-reset-preview: stores a preview's plan under its token and audits the preview, in one step
(docs/redis-contract.md, "Preview and plan token"). The plan and its counts come from reset-workflow.lua
in preview mode; the token is the plan's sha256, computed by the service (Lua has no sha256).

KEYS[1] plan key of the token   KEYS[2] audit stream   KEYS[3] the workflow's audit stream
ARGV: name, value pairs (namedArguments), built by name in src/redis/commands/record-reset-preview.ts:
  plan, planTtlMs, auditMaxLength, workflowAuditMaxLength, and the entry's fields: threadId, actor,
  reason, requestId, at, gate, clearTasks, clearResults, tasks, results, cancelled, queues,
  beforeGate, beforePhase, beforeAttempt (empty without a record), planToken.
Replies {1}.
]]
--- @include "includes/namedArguments"
--- @include "includes/resetAudit"

local args = namedArguments(ARGV)
redis.call('SET', KEYS[1], args.plan, 'PX', args.planTtlMs)
addResetAudit(KEYS[2], args.auditMaxLength, KEYS[3], args.workflowAuditMaxLength, {
  kind = 'preview', threadId = args.threadId, actor = args.actor, reason = args.reason,
  requestId = args.requestId, at = args.at, gate = args.gate, clearTasks = args.clearTasks,
  clearResults = args.clearResults, tasks = args.tasks, results = args.results, cancelled = args.cancelled,
  queues = args.queues, beforeGate = args.beforeGate, beforePhase = args.beforePhase,
  beforeAttempt = args.beforeAttempt, phase = '', attempt = '', planToken = args.planToken,
})
return {1}
