import { checkName, parseGranularity } from './names';
import { MapReader, type ReadContext } from './reader';
import { readMeta } from './readMeta';
import {
  AGGREGATIONS,
  ENTITY_TYPES,
  GRANULARITIES,
  type DimensionDef,
  type EntityDef,
  type Granularity,
  type MeasureDef,
  type NonAdditiveDimension,
  type Relation,
  type SemanticModelDef,
  type SourceLocation,
} from './types';
import type { YNode } from './yamlTree';

/** Reads one entry of `semantic_models:` (or a MetricFlow-style `semantic_model:` document). */
export function readSemanticModel(node: YNode, ctx: ReadContext): SemanticModelDef | null {
  const r = MapReader.of(node, 'semantic model', ctx);
  if (!r) return null;
  const name = r.requiredString('name');
  if (name === null) {
    r.finish();
    return null;
  }
  const what = `semantic model '${name}'`;
  const m = new MapReader(r.node, what, ctx);
  checkName(name, 'semantic model', m.at('name'), ctx.issues);
  m.ignore('name');
  const relation = readRelation(m, ctx);
  const defaults = m.map('defaults', `defaults of ${what}`);
  const defaultAggTimeDimension = defaults?.string('agg_time_dimension') ?? null;
  defaults?.finish();
  const entities = m.list('entities').map((n) => readEntity(n, what, ctx)).filter(notNull);
  const dimensions = m.list('dimensions').map((n) => readDimension(n, what, ctx)).filter(notNull);
  const measures = m
    .list('measures')
    .map((n) => readMeasure(n, what, defaultAggTimeDimension, ctx))
    .filter(notNull);
  const declaredPrimary = m.string('primary_entity');
  const typedPrimary = entities.find((e) => e.type === 'primary')?.name ?? null;
  if (declaredPrimary && typedPrimary && declaredPrimary !== typedPrimary)
    ctx.issues.add(
      'INVALID_VALUE',
      m.at('primary_entity'),
      `${what}: primary_entity '${declaredPrimary}' differs from its primary entity '${typedPrimary}'; keep one of them`,
    );
  if (declaredPrimary) checkName(declaredPrimary, 'entity', m.at('primary_entity'), ctx.issues);
  const config = m.map('config', `config of ${what}`);
  const meta = readMeta(config, m, ctx, what);
  config?.ignore('enabled', 'group', 'tags', 'docs');
  config?.finish();
  const model: SemanticModelDef = {
    name,
    description: m.string('description'),
    label: m.string('label'),
    relation: relation ?? { database: null, schema: null, alias: name },
    defaultAggTimeDimension,
    primaryEntity: typedPrimary ?? declaredPrimary ?? null,
    entities,
    dimensions,
    measures,
    meta,
    loc: r.loc,
  };
  m.ignore('tags', 'group', 'enabled');
  m.finish();
  return model;
}

/** `node_relation: {schema_name, alias, database}` or `model: ref('table')`. */
function readRelation(m: MapReader, ctx: ReadContext): Relation | null {
  const nodeRelation = m.map('node_relation', `node_relation of ${m.what}`);
  if (nodeRelation) {
    const alias = nodeRelation.requiredString('alias', { dollarVars: true });
    const schema = nodeRelation.string('schema_name', { dollarVars: true });
    const database = nodeRelation.string('database', { dollarVars: true });
    const relationName = nodeRelation.string('relation_name', { dollarVars: true });
    nodeRelation.finish();
    if (alias === null) return null;
    void relationName;
    return { database: database || null, schema: schema || null, alias };
  }
  const model = m.string('model');
  if (model !== null) {
    const ref = /^\s*(?:\{\{\s*)?ref\(\s*(?:(['"])[^'"]*\1\s*,\s*)?(['"])([^'"]+)\2\s*(?:,\s*v(?:ersion)?\s*=\s*[^)]*)?\)\s*(?:\}\})?\s*$/.exec(model);
    if (ref) return { database: null, schema: null, alias: ref[3]! };
    ctx.issues.add('INVALID_VALUE', m.at('model'), `${m.what}: model must be written ref('table_name'), got '${model}'`);
    return null;
  }
  ctx.issues.add('MISSING_FIELD', m.loc, `${m.what} needs either 'model: ref(...)' or 'node_relation'`);
  return null;
}

function readEntity(node: YNode, owner: string, ctx: ReadContext): EntityDef | null {
  const r = MapReader.of(node, `entity of ${owner}`, ctx);
  if (!r) return null;
  const name = r.requiredString('name');
  const what = name ? `entity '${name}' of ${owner}` : `entity of ${owner}`;
  const e = new MapReader(r.node, what, ctx);
  e.ignore('name');
  const type = e.oneOf('type', ENTITY_TYPES, { required: true });
  const config = e.map('config', `config of ${what}`);
  config?.ignore('meta');
  config?.finish();
  const result: EntityDef | null =
    name && type
      ? {
          name,
          type,
          expr: e.string('expr') ?? name,
          role: e.string('role'),
          description: e.string('description'),
          label: e.string('label'),
          loc: r.loc,
        }
      : null;
  if (name) checkName(name, 'entity', r.at('name'), ctx.issues);
  e.ignore('meta', 'entity');
  e.finish(['expr', 'role', 'description', 'label']);
  if (!result && name) ctx.issues.unreadable.add(name);
  return result;
}

function readDimension(node: YNode, owner: string, ctx: ReadContext): DimensionDef | null {
  const r = MapReader.of(node, `dimension of ${owner}`, ctx);
  if (!r) return null;
  const name = r.requiredString('name');
  const what = name ? `dimension '${name}' of ${owner}` : `dimension of ${owner}`;
  const d = new MapReader(r.node, what, ctx);
  d.ignore('name');
  const type = d.oneOf('type', ['categorical', 'time'] as const, { required: true });
  const params = d.map('type_params', `type_params of ${what}`);
  let granularity: Granularity | null = null;
  let validity: 'start' | 'end' | null = null;
  if (params) {
    const grain = params.string('time_granularity');
    if (grain !== null) {
      granularity = parseGranularity(grain);
      if (!granularity)
        ctx.issues.add('INVALID_VALUE', params.at('time_granularity'), `${what}: time_granularity '${grain}' is not one of ${GRANULARITIES.join(', ')}`);
    }
    const validityParams = params.map('validity_params', `validity_params of ${what}`);
    if (validityParams) {
      const isStart = validityParams.boolean('is_start', false);
      const isEnd = validityParams.boolean('is_end', false);
      validityParams.finish();
      if (isStart && isEnd)
        ctx.issues.add('INVALID_VALUE', validityParams.loc, `${what}: a validity column is either is_start or is_end, not both`);
      validity = isStart ? 'start' : isEnd ? 'end' : null;
    }
    params.finish();
  }
  if (type === 'categorical' && params?.has('time_granularity'))
    ctx.issues.add('INVALID_VALUE', params.at('time_granularity'), `${what}: time_granularity applies only to time dimensions`);
  if (type === 'time' && granularity === null) granularity = 'day';
  const config = d.map('config', `config of ${what}`);
  config?.ignore('meta');
  config?.finish();
  if (name) checkName(name, 'dimension', r.at('name'), ctx.issues);
  const result: DimensionDef | null =
    name && type
      ? {
          name,
          type,
          expr: d.string('expr') ?? name,
          description: d.string('description'),
          label: d.string('label'),
          isPartition: d.boolean('is_partition', false),
          granularity: type === 'time' ? granularity : null,
          validity,
          loc: r.loc,
        }
      : null;
  d.ignore('meta');
  d.finish(['expr', 'description', 'label', 'is_partition']);
  if (!result && name) ctx.issues.unreadable.add(name);
  return result;
}

/** Fields a measure and a newer-spec simple metric share: agg, expr, agg_params, ... */
export function readAggregation(
  r: MapReader,
  what: string,
  fallbackExpr: string,
  defaultAggTimeDimension: string | null,
  ctx: ReadContext,
): Omit<MeasureDef, 'name' | 'description' | 'label' | 'createMetric' | 'fromMetric' | 'loc'> | null {
  const agg = r.oneOf('agg', AGGREGATIONS, { required: true });
  const params = r.map('agg_params', `agg_params of ${what}`);
  let percentile = params?.number('percentile') ?? r.number('percentile');
  // Latest spec: percentile_type: discrete | continuous.
  const percentileType = r.oneOf('percentile_type', ['discrete', 'continuous'] as const);
  const discretePercentile = (params?.boolean('use_discrete_percentile', false) ?? r.boolean('use_discrete_percentile', false)) || percentileType === 'discrete';
  params?.boolean('use_approximate_percentile', false);
  r.boolean('use_approximate_percentile', false);
  params?.finish();
  if (agg === 'percentile') {
    if (percentile === null)
      ctx.issues.add('MISSING_FIELD', r.loc, `${what}: a percentile aggregation needs agg_params.percentile (between 0 and 1)`);
    else if (percentile <= 0 || percentile >= 1)
      ctx.issues.add('INVALID_VALUE', params?.at('percentile') ?? r.at('percentile'), `${what}: percentile must be between 0 and 1 (exclusive), got ${percentile}`);
  } else if (agg === 'median') {
    if (percentile !== null && percentile !== 0.5)
      ctx.issues.add('INVALID_VALUE', params?.at('percentile') ?? r.at('percentile'), `${what}: a median is the 0.5 percentile; remove percentile or use agg: percentile`);
    percentile = 0.5;
  } else if (percentile !== null)
    ctx.issues.add('INVALID_VALUE', params?.at('percentile') ?? r.at('percentile'), `${what}: percentile is only valid with agg: percentile`);
  if (agg === 'count' && !r.has('expr'))
    ctx.issues.add('MISSING_FIELD', r.loc, `${what}: a count aggregation needs expr (use expr: 1 to count rows)`);
  const nonAdditive = readNonAdditive(r, what);
  const exprNode = r.raw('expr');
  const expr =
    exprNode && exprNode.kind === 'scalar' && exprNode.value !== null ? r.string('expr') ?? fallbackExpr : fallbackExpr;
  if (!agg) return null;
  return {
    agg,
    expr,
    aggTimeDimension: r.string('agg_time_dimension') ?? defaultAggTimeDimension,
    percentile: agg === 'percentile' || agg === 'median' ? percentile : null,
    discretePercentile: agg === 'percentile' ? discretePercentile : false,
    nonAdditiveDimension: nonAdditive,
  };
}

function readMeasure(node: YNode, owner: string, defaultAggTimeDimension: string | null, ctx: ReadContext): MeasureDef | null {
  const r = MapReader.of(node, `measure of ${owner}`, ctx);
  if (!r) return null;
  const name = r.requiredString('name');
  const what = name ? `measure '${name}' of ${owner}` : `measure of ${owner}`;
  const m = new MapReader(r.node, what, ctx);
  m.ignore('name');
  const aggregation = readAggregation(m, what, name ?? '', defaultAggTimeDimension, ctx);
  const config = m.map('config', `config of ${what}`);
  config?.ignore('meta');
  config?.finish();
  if (name) checkName(name, 'measure', r.at('name'), ctx.issues);
  const result: MeasureDef | null =
    name && aggregation
      ? {
          name,
          ...aggregation,
          description: m.string('description'),
          label: m.string('label'),
          createMetric: m.boolean('create_metric', false),
          fromMetric: false,
          loc: r.loc,
        }
      : null;
  m.ignore('meta');
  m.finish(['description', 'label', 'create_metric']);
  if (!result && name) ctx.issues.unreadable.add(name);
  return result;
}

/** Legacy keys window_choice / window_groupings; latest-spec keys window_agg / group_by. */
function readNonAdditive(r: MapReader, what: string): NonAdditiveDimension | null {
  const n = r.map('non_additive_dimension', `non_additive_dimension of ${what}`);
  if (!n) return null;
  const name = n.requiredString('name');
  const windowChoice = n.oneOf('window_choice', ['min', 'max'] as const) ?? n.oneOf('window_agg', ['min', 'max'] as const) ?? 'min';
  const windowGroupings = [...n.strings('window_groupings'), ...n.strings('group_by')].map((g) => g.value);
  n.finish();
  return name ? { name, windowChoice, windowGroupings } : null;
}

export function notNull<T>(value: T | null | undefined): value is T {
  return value !== null && value !== undefined;
}

export type { SourceLocation };
