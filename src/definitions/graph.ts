import type {
  Definitions,
  DimensionDef,
  EntityDef,
  MeasureDef,
  MetricDef,
  SavedQueryDef,
  SemanticModelDef,
  TimeSpineDef,
} from './types';

/** One join from a model to the model that is unique on an entity. */
export interface JoinStep {
  readonly entity: string;
  readonly from: string;
  readonly to: string;
  /** SCD type II target: the join also matches the source's time against the validity window. */
  readonly scd: boolean;
}

export interface ElementMatch {
  readonly model: SemanticModelDef;
  readonly steps: readonly JoinStep[];
  readonly dimension?: DimensionDef;
  readonly entity?: EntityDef;
}

export interface MeasureRef {
  readonly model: SemanticModelDef;
  readonly measure: MeasureDef;
}

/** Entity types a join may land on: the target must have at most one row per key. */
const JOINABLE_TARGET = new Set(['primary', 'unique', 'natural']);

/**
 * The validated definition set, indexed for the planner: every lookup is a map access,
 * so planning time does not grow with the number of models or metrics.
 * Immutable once built; one instance per published version.
 */
export class SemanticGraph {
  readonly models: ReadonlyMap<string, SemanticModelDef>;
  readonly metrics: ReadonlyMap<string, MetricDef>;
  readonly measures: ReadonlyMap<string, MeasureRef>;
  readonly savedQueries: ReadonlyMap<string, SavedQueryDef>;
  /** Entity name -> models that are unique on it (join targets). */
  private readonly joinTargets: ReadonlyMap<string, readonly SemanticModelDef[]>;
  /** Element name -> models declaring a dimension of that name. */
  private readonly dimensionOwners: ReadonlyMap<string, readonly SemanticModelDef[]>;
  private readonly entityNames: ReadonlySet<string>;
  private readonly pathCache = new Map<string, readonly ElementMatch[]>();
  private readonly metricModelCache = new Map<string, readonly MeasureRef[]>();

  constructor(readonly definitions: Definitions) {
    this.models = new Map(definitions.semanticModels.map((m) => [m.name, m]));
    this.metrics = new Map(definitions.metrics.map((m) => [m.name, m]));
    this.savedQueries = new Map(definitions.savedQueries.map((q) => [q.name, q]));
    const measures = new Map<string, MeasureRef>();
    const joinTargets = new Map<string, SemanticModelDef[]>();
    const dimensionOwners = new Map<string, SemanticModelDef[]>();
    const entityNames = new Set<string>();
    for (const model of definitions.semanticModels) {
      for (const measure of model.measures) measures.set(measure.name, { model, measure });
      for (const entity of model.entities) {
        entityNames.add(entity.name);
        if (JOINABLE_TARGET.has(entity.type)) push(joinTargets, entity.name, model);
      }
      if (model.primaryEntity && !model.entities.some((e) => e.name === model.primaryEntity)) {
        entityNames.add(model.primaryEntity);
      }
      for (const dimension of model.dimensions) push(dimensionOwners, dimension.name, model);
    }
    this.measures = measures;
    this.joinTargets = joinTargets;
    this.dimensionOwners = dimensionOwners;
    this.entityNames = entityNames;
  }

  get timeSpines(): readonly TimeSpineDef[] {
    return this.definitions.timeSpines;
  }

  hasEntity(name: string): boolean {
    return this.entityNames.has(name);
  }

  allEntityNames(): Iterable<string> {
    return this.entityNames;
  }

  modelsWithDimension(name: string): readonly SemanticModelDef[] {
    return this.dimensionOwners.get(name) ?? [];
  }

  /** Every measure a metric aggregates, through ratio, derived, cumulative and conversion inputs. */
  measuresOf(metricName: string): readonly MeasureRef[] {
    const cached = this.metricModelCache.get(metricName);
    if (cached) return cached;
    const out = new Map<string, MeasureRef>();
    const visit = (name: string, seen: Set<string>) => {
      const metric = this.metrics.get(name);
      if (!metric || seen.has(name)) return;
      seen.add(name);
      for (const measureName of directMeasures(metric)) {
        const ref = this.measures.get(measureName);
        if (ref) out.set(measureName, ref);
      }
      for (const input of directMetricInputs(metric)) visit(input, seen);
    };
    visit(metricName, new Set());
    const result = [...out.values()];
    this.metricModelCache.set(metricName, result);
    return result;
  }

  /**
   * Where `element` is found from `source` along the entity path `path`:
   * the empty path or the source's own primary entity means the source itself;
   * each further entity is a join onto a model unique on it. Results are shortest first.
   *
   *   bookings, ['listing'], 'country'        -> listings.country via bookings.listing = listings.listing
   *   bookings, ['listing', 'user'], 'state'  -> users.state via listings, then users
   */
  findElement(source: SemanticModelDef, path: readonly string[], element: string): readonly ElementMatch[] {
    const key = `${source.name}\u0000${path.join('\u0000')}\u0000${element}`;
    const cached = this.pathCache.get(key);
    if (cached) return cached;
    const matches: ElementMatch[] = [];
    const local = (model: SemanticModelDef, steps: readonly JoinStep[]) => {
      const dimension = model.dimensions.find((d) => d.name === element);
      const entity = model.entities.find((e) => e.name === element);
      if (dimension) matches.push({ model, steps, dimension });
      else if (entity) matches.push({ model, steps, entity });
    };
    if (path.length === 0) local(source, []);
    else if (path.length === 1 && path[0] === source.primaryEntity) local(source, []);
    if (matches.length === 0) {
      for (const walk of this.walk(source, path)) local(walk.model, walk.steps);
    }
    this.pathCache.set(key, matches);
    return matches;
  }

  /** All models reachable from `source` by joining along exactly the entities in `path`. */
  walk(source: SemanticModelDef, path: readonly string[]): Array<{ model: SemanticModelDef; steps: JoinStep[] }> {
    let frontier: Array<{ model: SemanticModelDef; steps: JoinStep[] }> = [{ model: source, steps: [] }];
    for (const entityName of path) {
      const next: Array<{ model: SemanticModelDef; steps: JoinStep[] }> = [];
      for (const { model, steps } of frontier) {
        if (!hasEntity(model, entityName)) continue;
        for (const target of this.joinTargets.get(entityName) ?? []) {
          if (target.name === model.name || steps.some((s) => s.from === target.name)) continue;
          const scd = target.entities.some((e) => e.name === entityName && e.type === 'natural');
          // Two SCD models never join each other: there is no single time to match both windows on.
          if (scd && hasValidityWindow(model)) continue;
          next.push({ model: target, steps: [...steps, { entity: entityName, from: model.name, to: target.name, scd }] });
        }
      }
      frontier = next;
    }
    return path.length === 0 ? [] : frontier;
  }

  /**
   * Qualified names of every dimension and entity reachable from `source` within `maxHops`
   * joins: the catalog of group-by items (and the candidates for "did you mean").
   */
  reachableElements(source: SemanticModelDef, maxHops = 2): Array<{ path: string[]; element: string; dimension?: DimensionDef; entity?: EntityDef; model: SemanticModelDef }> {
    const out: Array<{ path: string[]; element: string; dimension?: DimensionDef; entity?: EntityDef; model: SemanticModelDef }> = [];
    const seen = new Set<string>();
    const add = (path: string[], model: SemanticModelDef) => {
      for (const dimension of model.dimensions) {
        const key = [...path, dimension.name].join('__');
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ path, element: dimension.name, dimension, model });
      }
      for (const entity of model.entities) {
        if (path.length > 0 && path[path.length - 1] === entity.name) continue;
        const key = [...path, entity.name].join('__');
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ path, element: entity.name, entity, model });
      }
    };
    if (source.primaryEntity) {
      for (const dimension of source.dimensions) {
        const key = `${source.primaryEntity}__${dimension.name}`;
        seen.add(key);
        out.push({ path: [source.primaryEntity], element: dimension.name, dimension, model: source });
      }
    }
    for (const entity of source.entities) {
      const key = entity.name;
      if (!seen.has(key)) {
        seen.add(key);
        out.push({ path: [], element: entity.name, entity, model: source });
      }
    }
    const expand = (model: SemanticModelDef, path: string[], visited: Set<string>) => {
      if (path.length >= maxHops) return;
      for (const entity of model.entities) {
        for (const target of this.joinTargets.get(entity.name) ?? []) {
          if (visited.has(target.name)) continue;
          const nextPath = [...path, entity.name];
          add(nextPath, target);
          expand(target, nextPath, new Set([...visited, target.name]));
        }
      }
    };
    expand(source, [], new Set([source.name]));
    return out;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function hasValidityWindow(model: SemanticModelDef): boolean {
  return model.dimensions.some((d) => d.validity !== null);
}

function hasEntity(model: SemanticModelDef, name: string): boolean {
  return model.entities.some((e) => e.name === name) || model.primaryEntity === name;
}

/** Measure names a metric reads directly. */
export function directMeasures(metric: MetricDef): string[] {
  const p = metric.params;
  switch (p.type) {
    case 'simple':
    case 'cumulative':
      return [p.measure.name];
    case 'conversion':
      return [p.baseMeasure.name, p.conversionMeasure.name];
    default:
      return [];
  }
}

/** Metric names a metric reads directly (ratio and derived inputs). */
export function directMetricInputs(metric: MetricDef): string[] {
  const p = metric.params;
  if (p.type === 'ratio') return [p.numerator.name, p.denominator.name];
  if (p.type === 'derived') return p.metrics.map((m) => m.name);
  return [];
}
