/**
 * graphql-js ends many messages with a guess at what the caller meant ("Did you mean "workflows"?",
 * "Did you mean the enum value "RUNNING"?"), in validation and in variable coercion alike: real field,
 * argument, type and enum value names, a map of the schema for anyone who can misspell. There is no
 * switch for it in graphql-js, so the sentence is cut from the message every client error passes through.
 */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

/** `message` without graphql-js's "Did you mean …?" sentences. */
export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}
