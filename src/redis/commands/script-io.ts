import type { ScriptName } from '../scripts';

/** A script answered what it never sends: a bug or a script of another version, never an outcome. */
export class UnexpectedScriptReply extends Error {
  constructor(script: ScriptName, reply: unknown) {
    super(`${script} replied ${JSON.stringify(reply)}, which is none of its outcomes`);
    this.name = 'UnexpectedScriptReply';
  }
}

/** A script's ARGV in the order its header lists them, from values given by name. */
export function positionalArguments<Name extends string>(order: readonly Name[], values: Record<Name, string>): string[] {
  return order.map((name) => values[name]);
}

/** ARGV as name, value pairs, for a script that reads them with namedArguments (includes/namedArguments.lua). */
export function namedArguments(values: Record<string, string>): string[] {
  return Object.entries(values).flat();
}

/** A reply that is a list (a Lua table), or UnexpectedScriptReply. */
export function replyList(script: ScriptName, reply: unknown): unknown[] {
  if (!Array.isArray(reply)) throw new UnexpectedScriptReply(script, reply);
  return reply;
}

/** The outcome a reply code names, one of `outcomes` (a numeric enum), or UnexpectedScriptReply. */
export function outcomeOf<Outcome extends number>(
  script: ScriptName,
  outcomes: Record<string, string | number>,
  code: unknown,
  reply: unknown = code,
): Outcome {
  const value = typeof code === 'number' || (typeof code === 'string' && /^-?\d+$/.test(code)) ? Number(code) : Number.NaN;
  if (!Object.values(outcomes).includes(value)) throw new UnexpectedScriptReply(script, reply);
  return value as Outcome;
}

/** A count a script replied as a decimal string or number, or UnexpectedScriptReply. */
export function countOf(script: ScriptName, value: unknown, reply: unknown): number {
  const count = typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value)) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(count)) throw new UnexpectedScriptReply(script, reply);
  return count;
}
