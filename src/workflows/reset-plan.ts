import { createHash } from 'node:crypto';
import { unescapeField } from '../redis/commands/field-lines';
import { parseCount, parsePhase } from './workflow.records';
import { DOMAINS, type Domain, type ResetPlan } from './workflow.types';

/**
 * The canonical plan is computed inside reset-workflow.lua (its header has the format): one string
 * naming every task with its status and result, the workflow's queue entries, the target and the
 * record's gate, phase and attempt. Its sha256 is the plan token.
 */

/** The plan as read from the canonical string; the token and expiry are the service's to add. */
export type PlannedReset = Omit<ResetPlan, 'planToken' | 'expiresAt'>;

export function planTokenOf(canonical: string): string {
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

export function parseCanonicalPlan(canonical: string): PlannedReset {
  const plan: PlannedReset = { taskIds: [], queueEntries: [], resultTaskIds: [], target: { gate: 0, phase: 'pending' }, current: null };
  let clearResults = false;
  const withResult: string[] = [];
  for (const line of canonical.split('\n')) {
    const [tag, ...fields] = line.split('\t').map(unescapeField);
    if (tag === 'target') {
      plan.target = { gate: parseCount(fields[0]), phase: parsePhase(fields[1]) };
      clearResults = fields[3] === '1';
    } else if (tag === 'current' && fields[0] === '1') {
      plan.current = { gate: parseCount(fields[1]), phase: parsePhase(fields[2]), attempt: parseCount(fields[3]) };
    } else if (tag === 'task') {
      plan.taskIds.push(fields[0]);
      if (fields[3] === '1') withResult.push(fields[0]);
    } else if (tag === 'queue' && DOMAINS.includes(fields[0] as Domain)) {
      plan.queueEntries.push({ domain: fields[0] as Domain, taskIds: fields.slice(1) });
    }
  }
  if (clearResults) plan.resultTaskIds = withResult;
  return plan;
}
