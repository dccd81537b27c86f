import { checkName, parseGranularity } from './names';
import { MapReader, type ReadContext } from './reader';
import { readMetric, type ReadMetricResult } from './readMetrics';
import { readMeta } from './readMeta';
import { ENTITY_TYPES, type DimensionDef, type EntityDef, type Granularity, type SemanticModelDef } from './types';
import type { YNode } from './yamlTree';

/**
 * The latest dbt spec (dbt 1.12 / Fusion): a dbt `models:` entry with `semantic_model:`
 * carries its entities and dimensions on its columns, expression-based ones under
 * `derived_semantics`, and its metrics under `metrics:`. Other dbt model keys are ignored.
 *
 *   models:
 *     - name: orders
 *       semantic_model: true
 *       agg_time_dimension: ordered_at
 *       columns:
 *         - { name: order_id, entity: primary }
 *         - { name: ordered_at, granularity: day, dimension: time }
 *       metrics:
 *         - { name: order_count, agg: count, expr: 1 }
 */
export function readLatestSpecModel(
  node: YNode,
  ctx: ReadContext,
): { model: SemanticModelDef; metrics: ReadMetricResult[] } | null {
  if (node.kind !== 'map') return null;
  const r = new MapReader(node, 'model', ctx);
  const semantic = r.raw('semantic_model');
  if (!semantic) return null;
  const modelName = r.string('name');
  if (!modelName) return null;
  let name = modelName;
  let enabled = true;
  let configReader: MapReader | null = null;
  if (semantic.kind === 'scalar') {
    enabled = semantic.value === true || String(semantic.value).toLowerCase() === 'true';
  } else {
    const s = MapReader.of(semantic, `semantic_model of model '${modelName}'`, ctx);
    if (!s) return null;
    name = s.string('name') ?? modelName;
    enabled = s.boolean('enabled', true);
    configReader = s.map('config', `config of semantic model '${name}'`);
    s.ignore('group');
    s.finish();
  }
  if (!enabled) return null;
  const what = `semantic model '${name}'`;
  checkName(name, 'semantic model', r.at('name'), ctx.issues);
  const entities: EntityDef[] = [];
  const dimensions: DimensionDef[] = [];
  for (const column of r.list('columns')) readColumn(column, what, ctx, entities, dimensions);
  const derived = r.map('derived_semantics', `derived_semantics of ${what}`);
  for (const d of derived?.list('dimensions') ?? []) {
    const dim = readDerivedDimension(d, what, ctx);
    if (dim) dimensions.push(dim);
  }
  for (const e of derived?.list('entities') ?? []) {
    const entity = readDerivedEntity(e, what, ctx);
    if (entity) entities.push(entity);
  }
  derived?.finish();
  const metrics = r
    .list('metrics')
    .map((m) => readMetric(m, ctx, name))
    .filter((m): m is ReadMetricResult => m !== null);
  const declaredPrimary = r.string('primary_entity');
  const typedPrimary = entities.find((e) => e.type === 'primary')?.name ?? null;
  const model: SemanticModelDef = {
    name,
    description: r.string('description'),
    label: null,
    relation: { database: null, schema: null, alias: modelName },
    defaultAggTimeDimension: r.string('agg_time_dimension'),
    primaryEntity: typedPrimary ?? declaredPrimary,
    entities,
    dimensions,
    measures: [],
    meta: readMeta(configReader, new MapReader({ kind: 'map', entries: [], loc: r.loc }, what, ctx), ctx, what),
    loc: r.loc,
  };
  return { model, metrics };
}

function readColumn(node: YNode, owner: string, ctx: ReadContext, entities: EntityDef[], dimensions: DimensionDef[]): void {
  const c = MapReader.of(node, `column of ${owner}`, ctx);
  if (!c) return;
  const column = c.string('name');
  if (!column) return;
  const granularityText = c.string('granularity');
  const granularity = granularityText === null ? null : parseGranularity(granularityText);
  if (granularityText !== null && !granularity)
    ctx.issues.add('INVALID_VALUE', c.at('granularity'), `column '${column}' of ${owner}: granularity '${granularityText}' is not a granularity`);
  const entityNode = c.raw('entity');
  if (entityNode) {
    const spec = shorthandOrMap(entityNode, `entity of column '${column}' of ${owner}`, ctx);
    if (spec) {
      const type = spec.type ? (ENTITY_TYPES as readonly string[]).includes(spec.type) ? spec.type : null : null;
      if (!type)
        ctx.issues.add('INVALID_VALUE', entityNode.loc, `entity of column '${column}' of ${owner}: type must be one of ${ENTITY_TYPES.join(', ')}`);
      const name = spec.reader?.string('name') ?? column;
      checkName(name, 'entity', entityNode.loc, ctx.issues);
      if (type)
        entities.push({
          name,
          type: type as EntityDef['type'],
          expr: column,
          role: null,
          description: spec.reader?.string('description') ?? null,
          label: spec.reader?.string('label') ?? null,
          loc: entityNode.loc,
        });
      spec.reader?.ignore('config');
      spec.reader?.finish();
    }
  }
  const dimensionNode = c.raw('dimension');
  if (dimensionNode) {
    const spec = shorthandOrMap(dimensionNode, `dimension of column '${column}' of ${owner}`, ctx);
    if (spec) {
      const type = spec.type === 'time' || spec.type === 'categorical' ? spec.type : null;
      if (!type)
        ctx.issues.add('INVALID_VALUE', dimensionNode.loc, `dimension of column '${column}' of ${owner}: type must be categorical or time`);
      if (type === 'time' && !granularity)
        ctx.issues.add('MISSING_FIELD', c.loc, `column '${column}' of ${owner} is a time dimension and needs 'granularity'`);
      const name = spec.reader?.string('name') ?? column;
      checkName(name, 'dimension', dimensionNode.loc, ctx.issues);
      const validity = readValidity(spec.reader, ctx);
      if (type)
        dimensions.push({
          name,
          type,
          expr: column,
          description: spec.reader?.string('description') ?? c.string('description'),
          label: spec.reader?.string('label') ?? null,
          isPartition: spec.reader?.boolean('is_partition', false) ?? false,
          granularity: type === 'time' ? (granularity ?? 'day') : null,
          validity,
          loc: dimensionNode.loc,
        });
      spec.reader?.ignore('config');
      spec.reader?.finish();
    }
  }
}

function readValidity(reader: MapReader | null, ctx: ReadContext): 'start' | 'end' | null {
  const v = reader?.map('validity_params', 'validity_params');
  if (!v) return null;
  const isStart = v.boolean('is_start', false);
  const isEnd = v.boolean('is_end', false);
  v.finish();
  if (isStart && isEnd) ctx.issues.add('INVALID_VALUE', v.loc, 'a validity column is either is_start or is_end, not both');
  return isStart ? 'start' : isEnd ? 'end' : null;
}

/** `entity: primary` or `entity: { type: primary, name: order }`. */
function shorthandOrMap(node: YNode, what: string, ctx: ReadContext): { type: string | null; reader: MapReader | null } | null {
  if (node.kind === 'scalar') return { type: node.value === null ? null : String(node.value).toLowerCase(), reader: null };
  const reader = MapReader.of(node, what, ctx);
  if (!reader) return null;
  return { type: reader.string('type')?.toLowerCase() ?? null, reader };
}

function readDerivedDimension(node: YNode, owner: string, ctx: ReadContext): DimensionDef | null {
  const d = MapReader.of(node, `derived dimension of ${owner}`, ctx);
  if (!d) return null;
  const name = d.requiredString('name');
  const type = d.oneOf('type', ['categorical', 'time'] as const, { required: true });
  const expr = d.requiredString('expr');
  const granularityText = d.string('granularity');
  const granularity: Granularity | null = granularityText === null ? null : parseGranularity(granularityText);
  if (type === 'time' && !granularity)
    ctx.issues.add('MISSING_FIELD', d.loc, `derived time dimension '${name ?? ''}' of ${owner} needs a valid 'granularity'`);
  const validity = readValidity(d, ctx);
  if (name) checkName(name, 'dimension', d.at('name'), ctx.issues);
  const result: DimensionDef | null =
    name && type && expr
      ? {
          name,
          type,
          expr,
          description: d.string('description'),
          label: d.string('label'),
          isPartition: d.boolean('is_partition', false),
          granularity: type === 'time' ? (granularity ?? 'day') : null,
          validity,
          loc: d.loc,
        }
      : null;
  d.ignore('config');
  d.finish();
  return result;
}

function readDerivedEntity(node: YNode, owner: string, ctx: ReadContext): EntityDef | null {
  const e = MapReader.of(node, `derived entity of ${owner}`, ctx);
  if (!e) return null;
  const name = e.requiredString('name');
  const type = e.oneOf('type', ENTITY_TYPES, { required: true });
  const expr = e.requiredString('expr');
  if (name) checkName(name, 'entity', e.at('name'), ctx.issues);
  const result: EntityDef | null =
    name && type && expr
      ? { name, type, expr, role: null, description: e.string('description'), label: e.string('label'), loc: e.loc }
      : null;
  e.ignore('config');
  e.finish();
  return result;
}
