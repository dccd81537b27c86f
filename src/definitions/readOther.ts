import { FilterSyntaxError, parseExpression } from './filter/parser';
import { checkName, parseGranularity } from './names';
import { MapReader, type ReadContext } from './reader';
import { readFilters } from './readMetrics';
import type { Granularity, Relation, SavedQueryDef, TimeSpineDef } from './types';
import type { YNode } from './yamlTree';

/** `saved_queries:` entries; group-by items are converted from Jinja to query names. */
export function readSavedQuery(node: YNode, ctx: ReadContext): SavedQueryDef | null {
  const r = MapReader.of(node, 'saved query', ctx);
  if (!r) return null;
  const name = r.requiredString('name');
  const what = name ? `saved query '${name}'` : 'saved query';
  const s = new MapReader(r.node, what, ctx);
  s.ignore('name');
  if (name) checkName(name, 'saved query', s.at('name'), ctx.issues);
  const params = s.map('query_params', `query_params of ${what}`, { required: true });
  const metrics = params?.strings('metrics').map((m) => m.value) ?? [];
  const groupBy: string[] = [];
  for (const item of params?.strings('group_by') ?? []) {
    const converted = groupByItemName(item.value);
    if (converted === null)
      ctx.issues.add(
        'INVALID_VALUE',
        item.loc,
        `${what}: group_by item '${item.value}' must be written like "Dimension('listing__country')" or "TimeDimension('metric_time', 'month')"`,
      );
    else groupBy.push(converted);
  }
  const where = params ? readFilters(params, 'where') : [];
  const orderBy = (params?.strings('order_by') ?? []).map((o) => orderByItemName(o.value));
  const limit = params?.number('limit') ?? null;
  params?.finish();
  s.ignore('exports', 'config', 'meta', 'tags', 'group', 'cache');
  s.finish(['description', 'label']);
  if (!name) return null;
  return {
    name,
    description: s.string('description'),
    label: s.string('label'),
    metrics,
    groupBy,
    where,
    orderBy,
    limit,
    loc: r.loc,
  };
}

/**
 * "Dimension('listing__country')" -> 'listing__country';
 * "TimeDimension('metric_time', 'month')" -> 'metric_time__month';
 * "Entity('listing')" -> 'listing'; plain names pass through.
 */
export function groupByItemName(text: string): string | null {
  const trimmed = text.trim().replace(/^\{\{\s*/, '').replace(/\s*\}\}$/, '');
  if (/^[A-Za-z0-9_]+$/.test(trimmed)) return trimmed.toLowerCase();
  // The same template language as filters: parse it, then name the item it refers to.
  let expr;
  try {
    expr = parseExpression(`{{ ${trimmed} }}`);
  } catch (error) {
    if (error instanceof FilterSyntaxError) return null;
    throw error;
  }
  if (expr.kind !== 'ref') return null;
  const ref = expr.ref;
  if (ref.type === 'metric') return ref.name;
  const parts = [...ref.entityPath, ref.name];
  if (ref.type !== 'entity') {
    if (ref.datePart) parts.push(`extract_${ref.datePart}`);
    else if (ref.grain) parts.push(ref.grain);
  }
  return parts.join('__');
}

function orderByItemName(text: string): string {
  const trimmed = text.trim();
  const descending = /\.descending\(\s*True\s*\)/i.test(trimmed) || trimmed.startsWith('-');
  const withoutFlag = trimmed.replace(/\.descending\([^)]*\)/i, '').replace(/^-/, '');
  const name = groupByItemName(withoutFlag) ?? withoutFlag;
  return descending ? `-${name}` : name;
}

/**
 * Time spines: `time_spines:` (MetricFlow project configuration shape), the legacy
 * `time_spine_table_configurations:` and a dbt model with a `time_spine:` block.
 */
export function readTimeSpine(node: YNode, ctx: ReadContext): TimeSpineDef | null {
  const r = MapReader.of(node, 'time spine', ctx);
  if (!r) return null;
  const relation = readSpineRelation(r);
  const primary = r.map('primary_column', 'primary_column of time spine');
  const column = primary?.requiredString('name') ?? r.string('column_name') ?? r.string('standard_granularity_column');
  const grainText = primary?.string('time_granularity') ?? r.string('grain') ?? 'day';
  primary?.finish();
  const granularity = parseGranularity(grainText);
  if (!granularity) ctx.issues.add('INVALID_VALUE', r.loc, `time spine granularity '${grainText}' is not a granularity`);
  const customGranularities = r.list('custom_granularities').flatMap((n) => {
    const c = MapReader.of(n, 'custom granularity', ctx);
    if (!c) return [];
    const name = c.requiredString('name');
    const col = c.string('column_name') ?? name;
    c.finish();
    return name && col ? [{ name, column: col }] : [];
  });
  if (!column) ctx.issues.add('MISSING_FIELD', r.loc, `time spine needs primary_column.name (or column_name)`);
  r.ignore('name', 'description');
  r.finish();
  if (!relation || !column || !granularity) return null;
  return {
    name: r.string('name') ?? relation.alias,
    relation,
    column,
    granularity,
    customGranularities,
    loc: r.loc,
  };
}

function readSpineRelation(r: MapReader): Relation | null {
  const nodeRelation = r.map('node_relation', 'node_relation of time spine');
  if (nodeRelation) {
    const alias = nodeRelation.requiredString('alias', { dollarVars: true });
    const schema = nodeRelation.string('schema_name', { dollarVars: true });
    const database = nodeRelation.string('database', { dollarVars: true });
    nodeRelation.ignore('relation_name');
    nodeRelation.finish();
    return alias ? { database, schema, alias } : null;
  }
  const location = r.string('location', { dollarVars: true });
  if (location) {
    const parts = location.split('.');
    const alias = parts.pop()!;
    return { database: parts.length > 1 ? parts[0]! : null, schema: parts.length ? parts[parts.length - 1]! : null, alias };
  }
  const model = r.string('model');
  const ref = model ? /ref\(\s*['"]([^'"]+)['"]\s*\)/.exec(model) : null;
  if (ref) return { database: null, schema: null, alias: ref[1]! };
  r.missing('node_relation');
  return null;
}

/** A dbt model entry with `time_spine:` (dbt 1.9+): the model is the spine table. */
export function readModelTimeSpine(node: YNode, ctx: ReadContext): TimeSpineDef | null {
  if (node.kind !== 'map') return null;
  const spine = node.entries.find((e) => e.key === 'time_spine');
  const name = node.entries.find((e) => e.key === 'name');
  if (!spine || !name || name.value.kind !== 'scalar') return null;
  const s = MapReader.of(spine.value, `time_spine of model '${String(name.value.value)}'`, ctx);
  if (!s) return null;
  const column = s.requiredString('standard_granularity_column');
  const columns = node.entries.find((e) => e.key === 'columns')?.value;
  let granularity: Granularity = 'day';
  if (columns?.kind === 'seq') {
    for (const c of columns.items) {
      if (c.kind !== 'map') continue;
      const colName = c.entries.find((e) => e.key === 'name')?.value;
      const colGrain = c.entries.find((e) => e.key === 'granularity')?.value;
      if (colName?.kind === 'scalar' && colName.value === column && colGrain?.kind === 'scalar')
        granularity = parseGranularity(String(colGrain.value)) ?? granularity;
    }
  }
  const customGranularities = s.list('custom_granularities').flatMap((n) => {
    const c = MapReader.of(n, 'custom granularity', ctx);
    if (!c) return [];
    const cname = c.requiredString('name');
    const col = c.string('column_name') ?? cname;
    c.finish();
    return cname && col ? [{ name: cname, column: col }] : [];
  });
  s.finish();
  if (!column) return null;
  const alias = String(name.value.value);
  return { name: alias, relation: { database: null, schema: null, alias }, column, granularity, customGranularities, loc: s.loc };
}
