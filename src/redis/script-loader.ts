import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A line `--- @include "<path>"`: the helper in `<path>.lua`, relative to the including file (BullMQ's rule). */
const INCLUDE_LINE = /^--- @include "([^"]+)"[ \t]*\r?$/gm;

/**
 * A script's source with its helpers in place, ready for EVAL (which has no imports): each include
 * line is replaced by the helper's own source, its includes first, so every helper is defined before
 * its first use; a helper already in place (included earlier, directly or not) is not written again.
 * A missing helper fails here, naming the file that includes it.
 */
export function assembleScript(file: string): string {
  return expandIncludes(file, new Set([file]));
}

function expandIncludes(file: string, included: Set<string>): string {
  return readFileSync(file, 'utf8').replace(INCLUDE_LINE, (_line, path: string) => {
    const helper = join(dirname(file), `${path}.lua`);
    if (included.has(helper)) return '';
    if (!existsSync(helper)) throw new Error(`${file} includes "${path}", but ${helper} does not exist`);
    included.add(helper);
    return expandIncludes(helper, included).replace(/\n$/, '');
  });
}
