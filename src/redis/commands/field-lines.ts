/**
 * Lists sent to or replied by a script as one string (includes/planFields.lua): lines split by "\n",
 * fields by "\t", each field with `%`, tab and newline written %25, %09, %0A, whatever an id holds.
 * The canonical reset plan is written the same way.
 */

export function escapeField(value: string): string {
  return value.replace(/%/g, '%25').replace(/\t/g, '%09').replace(/\n/g, '%0A');
}

export function unescapeField(field: string): string {
  return field.replace(/%(25|09|0A)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Lines of fields as one string. */
export function fieldText(lines: ReadonlyArray<readonly string[]>): string {
  return lines.map((fields) => fields.map(escapeField).join('\t')).join('\n');
}

/** The lines of a string, each as its unescaped fields; an empty string has none. */
export function fieldLines(text: string): string[][] {
  return text === '' ? [] : text.split('\n').map((line) => line.split('\t').map(unescapeField));
}
