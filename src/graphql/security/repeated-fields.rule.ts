import {
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/**
 * MAX_ALIASES counts the aliases that run a field again: in one selection set, every alias of a field
 * asked for under more than one name. An alias that only renames a field (`total: length`) runs nothing
 * twice, so it is free; this is what keeps a federation gateway's rewrite within the client's budget
 * (Hive Gateway sends `a1: workflow(...) a2: workflow(...)` as `_v0_workflow: workflow(...)
 * _v1_workflow: workflow(...)`, and `queues` as `_v2_queues: queues`: the same count either way).
 * Fields count per use: a fragment spread in three places counts its aliases three times.
 */
export function repeatedFieldsRule(maxAliases: number, reject: (context: ValidationContext, found: number) => void): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const found = new RepeatCounter(context.getDocument()).aliasesIn(operation.selectionSet);
      if (found > maxAliases) reject(context, found);
      return false;
    },
  });
}

/**
 * Walks the operation once per selection set: flattened fields and counts are kept per node, so
 * fragments that spread each other twice over (exponential when expanded) cost linear work.
 */
class RepeatCounter {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly fieldsBySet = new Map<SelectionSetNode, Set<FieldNode>>();
  private readonly countBySet = new Map<SelectionSetNode, number>();
  /** Selection sets being flattened: a fragment cycle (which validation reports) adds nothing here. */
  private readonly flattening = new Set<SelectionSetNode>();

  constructor(document: DocumentNode) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
    }
  }

  aliasesIn(set: SelectionSetNode): number {
    const known = this.countBySet.get(set);
    if (known !== undefined) return known;
    this.countBySet.set(set, 0);
    const fields = this.fieldsOf(set);
    let count = repeatingAliases(fields);
    for (const field of fields) if (field.selectionSet) count += this.aliasesIn(field.selectionSet);
    this.countBySet.set(set, count);
    return count;
  }

  /** The fields a selection set asks for, through its inline fragments and fragment spreads. */
  private fieldsOf(set: SelectionSetNode): Set<FieldNode> {
    const known = this.fieldsBySet.get(set);
    if (known) return known;
    const fields = new Set<FieldNode>();
    if (this.flattening.has(set)) return fields;
    this.flattening.add(set);
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) fields.add(selection);
      const nested = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : this.spreadSet(selection);
      if (nested) for (const field of this.fieldsOf(nested)) fields.add(field);
    }
    this.flattening.delete(set);
    this.fieldsBySet.set(set, fields);
    return fields;
  }

  private spreadSet(selection: SelectionSetNode['selections'][number]): SelectionSetNode | undefined {
    return selection.kind === Kind.FRAGMENT_SPREAD ? this.fragments.get(selection.name.value)?.selectionSet : undefined;
  }
}

/** Of fields merged into one selection set: the aliases of each field that has more than one response name. */
function repeatingAliases(fields: Set<FieldNode>): number {
  const namesByField = new Map<string, Set<string>>();
  for (const field of fields) {
    const names = namesByField.get(field.name.value) ?? new Set<string>();
    names.add(field.alias?.value ?? field.name.value);
    namesByField.set(field.name.value, names);
  }
  let count = 0;
  for (const [field, names] of namesByField) {
    if (names.size > 1) count += names.has(field) ? names.size - 1 : names.size;
  }
  return count;
}
