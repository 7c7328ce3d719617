import type { SubscriptionLimits } from '../config';

export type SubscriptionSlot = { granted: true; release: () => void } | { granted: false; reason: string };

/**
 * Counts the subscriptions of each socket and each caller of this process, so that one client cannot
 * hold an unbounded number of listeners (each costs memory and a share of every event's fan-out).
 */
export class SubscriptionQuota {
  private readonly bySocket = new Map<object, number>();
  private readonly byCaller = new Map<string, number>();

  constructor(private readonly limits: SubscriptionLimits) {}

  /** A slot for one more subscription of `socket` and `caller` (none: anonymous), or why there is none. */
  acquire(socket: object, caller: string | undefined): SubscriptionSlot {
    const { perSocket, perCaller } = this.limits;
    if ((this.bySocket.get(socket) ?? 0) >= perSocket) {
      return { granted: false, reason: `A connection may hold at most ${perSocket} subscriptions at once; complete one first.` };
    }
    if (caller !== undefined && (this.byCaller.get(caller) ?? 0) >= perCaller) {
      return {
        granted: false,
        reason: `A caller may hold at most ${perCaller} subscriptions at once, over all connections; complete one first.`,
      };
    }
    adjust(this.bySocket, socket, 1);
    if (caller !== undefined) adjust(this.byCaller, caller, 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      adjust(this.bySocket, socket, -1);
      if (caller !== undefined) adjust(this.byCaller, caller, -1);
    };
    return { granted: true, release };
  }
}

/** Adds `delta` to the count of `key`, forgetting a key whose count drops to zero. */
function adjust<K>(counts: Map<K, number>, key: K, delta: number): void {
  const count = (counts.get(key) ?? 0) + delta;
  if (count > 0) counts.set(key, count);
  else counts.delete(key);
}
