import { EventEmitter, once } from 'node:events';
import type { Answer } from '../lifecycle/support';

/** Codes that tell a client what happened and what to do; anything else (INTERNAL_SERVER_ERROR) is a bug. */
const CLEAR_CODES = new Set(['SERVICE_UNAVAILABLE', 'RATE_LIMITED']);

/** What a client got: data, a clear "retry shortly", some other error (a bug), or no HTTP answer at all. */
export type Outcome = 'data' | 'unavailable' | 'other-error' | 'no-answer';

export function outcomeOf(answer: Answer | undefined): Outcome {
  if (!answer) return 'no-answer';
  const codes = answer.body.errors?.map((error) => error.extensions?.code) ?? [];
  if (codes.length === 0 && answer.status === 200 && answer.body.data) return 'data';
  if (codes.includes('SERVICE_UNAVAILABLE')) return 'unavailable';
  return codes.length > 0 && codes.every((code) => CLEAR_CODES.has(code!)) ? 'unavailable' : 'other-error';
}

/** Counts outcomes as they come, so a test can wait for "10 more answers with data" without sleeping. */
export class Tally extends EventEmitter {
  readonly counts: Record<Outcome, number> = { data: 0, unavailable: 0, 'other-error': 0, 'no-answer': 0 };

  record(outcome: Outcome): void {
    this.counts[outcome]++;
    this.emit('recorded');
  }

  async reach(outcome: Outcome, more: number): Promise<void> {
    const target = this.counts[outcome] + more;
    while (this.counts[outcome] < target) await once(this, 'recorded');
  }
}
