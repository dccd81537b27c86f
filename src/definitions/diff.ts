import { canonicalJson, contentHash, normalize } from './canonical';
import type { Definitions } from './types';

export type ObjectKind = 'semantic_model' | 'metric' | 'saved_query' | 'time_spine' | 'access_policy';

export interface FieldChange {
  /** 'measures[revenue].agg', 'params.measure.filters' */
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface ObjectChange {
  readonly kind: ObjectKind;
  readonly name: string;
  readonly changeType: 'added' | 'removed' | 'changed';
  /** Hash of the new definition (null when removed). */
  readonly contentHash: string | null;
  readonly fields: readonly FieldChange[];
}

interface NamedObject {
  readonly kind: ObjectKind;
  readonly name: string;
  readonly value: unknown;
}

/** Every named object of a definition set, normalized (no source locations). */
export function objectsOf(defs: Definitions): Map<string, NamedObject> {
  const out = new Map<string, NamedObject>();
  const add = (kind: ObjectKind, items: ReadonlyArray<{ name: string }>) => {
    for (const item of items) out.set(`${kind}:${item.name}`, { kind, name: item.name, value: normalize(item) });
  };
  add('semantic_model', defs.semanticModels);
  add('metric', defs.metrics);
  add('saved_query', defs.savedQueries);
  add('time_spine', defs.timeSpines);
  add('access_policy', defs.accessPolicies ?? []);
  return out;
}

const KIND_ORDER: Record<ObjectKind, number> = { semantic_model: 0, metric: 1, saved_query: 2, time_spine: 3, access_policy: 4 };

/** Added, removed and changed objects from `before` to `after`, with the fields that changed. */
export function diffDefinitions(before: Definitions | null, after: Definitions): ObjectChange[] {
  const a = before ? objectsOf(before) : new Map<string, NamedObject>();
  const b = objectsOf(after);
  const changes: ObjectChange[] = [];
  for (const [key, next] of b) {
    const previous = a.get(key);
    if (!previous) {
      changes.push({ kind: next.kind, name: next.name, changeType: 'added', contentHash: contentHash(next.value), fields: [] });
    } else if (canonicalJson(previous.value) !== canonicalJson(next.value)) {
      changes.push({
        kind: next.kind,
        name: next.name,
        changeType: 'changed',
        contentHash: contentHash(next.value),
        fields: fieldChanges(previous.value, next.value, ''),
      });
    }
  }
  for (const [key, previous] of a) {
    if (!b.has(key)) changes.push({ kind: previous.kind, name: previous.name, changeType: 'removed', contentHash: null, fields: [] });
  }
  return changes.sort((x, y) => KIND_ORDER[x.kind] - KIND_ORDER[y.kind] || x.name.localeCompare(y.name));
}

/** Leaf-level differences; lists of named items are matched by name ('dimensions[ds].type'). */
export function fieldChanges(before: unknown, after: unknown, path: string): FieldChange[] {
  if (canonicalJson(before) === canonicalJson(after)) return [];
  if (isNamedList(before) && isNamedList(after)) {
    const out: FieldChange[] = [];
    const left = new Map(before.map((item) => [item.name, item]));
    const right = new Map(after.map((item) => [item.name, item]));
    for (const [name, item] of right) out.push(...fieldChanges(left.get(name), item, `${path}[${name}]`));
    for (const [name, item] of left) if (!right.has(name)) out.push({ path: `${path}[${name}]`, before: item, after: undefined });
    return out;
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => fieldChanges(before[key], after[key], path ? `${path}.${key}` : key));
  }
  return [{ path: path || '.', before: before ?? null, after: after ?? null }];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNamedList(value: unknown): value is Array<{ name: string } & Record<string, unknown>> {
  return Array.isArray(value) && value.length > 0 && value.every((v) => isPlainObject(v) && typeof v['name'] === 'string');
}
