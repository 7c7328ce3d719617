/**
 * With FIELD_SUGGESTIONS off, a client error names only what the caller wrote. graphql-js's messages
 * name much more: a guess at what was meant ("Did you mean "workflows"?"), the parent type ("on type
 * "Query""), the enum ("in "WorkflowPhase" enum"), the expected type ("of type "Int!""), a required
 * argument or input field the caller left out. A map of the schema for anyone who can misspell, with
 * no switch for it in graphql-js, so the wording is changed here, in the one module the error formatter
 * calls for validation and variable coercion errors on every transport.
 */

const SUGGESTION = / ?Did you mean [^?]*\?/g;

/** What a message is reduced to when it still quotes a name the document does not hold. */
export const GENERIC_SCHEMA_MESSAGE = 'The operation is not valid against the schema.';

/** `message` without graphql-js's "Did you mean …?" sentences. */
export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}

const QUOTED = '"[^"]*"';

/**
 * graphql-js 16's wording (validation/rules/*, utilities/coerceInputValue, execution/values, the enum
 * and scalar parsers) → the same advice without the schema's names; a `$n` keeps what the caller wrote.
 */
const MASKS: ReadonlyArray<readonly [pattern: RegExp, wording: string]> = [
  [new RegExp(`Cannot query field (${QUOTED}) on type ${QUOTED}\\.`, 'g'), 'Cannot query field $1 here.'],
  [/Unknown argument ("[^"]*") on field "(?:[^".]*\.)?([^"]*)"\./g, 'Unknown argument $1 on field "$2".'],
  [
    new RegExp(`Field (${QUOTED}) argument ${QUOTED} of type ${QUOTED} is required, but it was not provided\\.`, 'g'),
    'A required argument of field $1 was not provided.',
  ],
  [
    new RegExp(`Directive (${QUOTED}) argument ${QUOTED} of type ${QUOTED} is required, but it was not provided\\.`, 'g'),
    'A required argument of directive $1 was not provided.',
  ],
  [
    new RegExp(`Field (${QUOTED}) must not have a selection since type ${QUOTED} has no subfields\\.`, 'g'),
    'Field $1 must not have a selection since it has no subfields.',
  ],
  [
    new RegExp(`Field (${QUOTED}) of type ${QUOTED} must have (a selection of subfields|at least one field selected)\\.`, 'g'),
    'Field $1 must have $2.',
  ],
  [
    new RegExp(`Field ${QUOTED} of required type ${QUOTED} was not provided\\.`, 'g'),
    'A required field of this input object was not provided.',
  ],
  [new RegExp(`Field (${QUOTED}) is not defined by type ${QUOTED}\\.`, 'g'), 'Field $1 is not defined by this input object.'],
  [/Field "[^".]*\.([^"]*)" must be non-null\./g, 'Field "$1" must be non-null.'],
  [new RegExp(`Expected value of type ${QUOTED}, found `, 'g'), 'Expected a value of another type, found '],
  [new RegExp(`Expected non-nullable type ${QUOTED} not to be null\\.`, 'g'), 'Expected a non-null value.'],
  [new RegExp(`Expected type ${QUOTED} to be an object\\.`, 'g'), 'Expected an input object.'],
  [new RegExp(`Expected type ${QUOTED}\\.`, 'g'), 'Expected a value of another type.'],
  [new RegExp(`Value (${QUOTED}) does not exist in ${QUOTED} enum\\.`, 'g'), 'Value $1 is not a value of this enum.'],
  // Enum "WorkflowPhase" cannot represent …; Int, ID, String, Boolean, Float and custom scalars likewise.
  [new RegExp(`(^|; |\\. )(?:Enum ${QUOTED}|[_A-Za-z]\\w*) cannot represent `, 'g'), '$1This type cannot represent '],
  [
    new RegExp(`Variable (${QUOTED}) of type (${QUOTED}) used in position expecting type ${QUOTED}\\.`, 'g'),
    'Variable $1 of type $2 is not allowed in this position.',
  ],
  [new RegExp(`to be used for OneOf Input Object ${QUOTED}\\.`, 'g'), 'to be used for this OneOf input object.'],
  [
    new RegExp(`OneOf Input Object ${QUOTED} must specify exactly one key\\.`, 'g'),
    'This OneOf input object must specify exactly one key.',
  ],
  [new RegExp(`for OneOf type ${QUOTED}\\.`, 'g'), 'for this OneOf input object.'],
  [
    new RegExp(`(Fragment(?: ${QUOTED})?) cannot be spread here as objects of type ${QUOTED} can never be of type (${QUOTED})\\.`, 'g'),
    '$1 cannot be spread here as no object here can be of type $2.',
  ],
  // execution/values: an argument's value checked only once the variables are applied.
  [new RegExp(`Argument (${QUOTED}) of non-null type ${QUOTED} must not be null\\.`, 'g'), 'Argument $1 must not be null.'],
  [new RegExp(`Argument ${QUOTED} of required type ${QUOTED} was not provided\\.`, 'g'), 'A required argument was not provided.'],
  [
    new RegExp(
      `Argument (${QUOTED}) of required type ${QUOTED} was provided the variable (${QUOTED}) which was not provided a runtime value\\.`,
      'g',
    ),
    'Argument $1 was given the variable $2, which has no value.',
  ],
  [new RegExp(`they return conflicting types ${QUOTED} and ${QUOTED}`, 'g'), 'they return conflicting types'],
];

/**
 * Variable coercion's own prefix: the value and path it quotes are printed from the caller's variables,
 * so they count as written; what follows is graphql-js's and is masked like any message.
 */
const COERCION_PREFIX = /^Variable "\$[^"]*" got invalid value .*?(?: at "[^"]*")?; /s;

/**
 * `message` of a validation or variable coercion error in words that name only what the caller wrote:
 * suggestions cut, graphql-js's known wordings (MASKS) changed, and, should a message still quote a
 * name that `document` (the operation's text) does not hold as a whole word, GENERIC_SCHEMA_MESSAGE.
 */
export function maskSchemaDetails(message: string, document: string | undefined): string {
  const prefix = COERCION_PREFIX.exec(message)?.[0] ?? '';
  const rest = MASKS.reduce((text, [pattern, wording]) => text.replace(pattern, wording), withoutSuggestions(message.slice(prefix.length)));
  const written = `${document ?? ''}\n${prefix}`;
  return quotedNames(rest).every((name) => isWrittenIn(written, name)) ? prefix + rest : GENERIC_SCHEMA_MESSAGE;
}

function quotedNames(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"/g)].map((match) => match[1]);
}

const NAME_CHARACTER = /[_0-9A-Za-z]/;

/** Whether `name` occurs in `text` with no name character right before or after it. */
function isWrittenIn(text: string, name: string): boolean {
  for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
    const before = text[at - 1] ?? '';
    const after = text[at + name.length] ?? '';
    if (!NAME_CHARACTER.test(before) && !NAME_CHARACTER.test(after)) return true;
  }
  return false;
}
