import { collectIdentifiers, collectReferences, type ItemReference } from './filter/ast';
import { FilterSyntaxError, lineColumnOf, parseExpression } from './filter/parser';
import { directMetricInputs, SemanticGraph } from './graph';
import type { IssueList } from './issues';
import { parseItemName, qualifiedName } from './itemNames';
import { didYouMean } from './suggest';
import { GRANULARITIES, isGranularity, type Definitions, type FilterDef, type MeasureInput, type MetricDef, type MetricInput, type SemanticModelDef, type SourceLocation } from './types';

/**
 * Cross-reference checks over a normalized definition set. Every problem is recorded;
 * nothing stops at the first one.
 */
export function validateDefinitions(defs: Definitions, issues: IssueList): void {
  checkUniqueNames(defs, issues);
  checkElementConsistency(defs, issues);
  for (const model of defs.semanticModels) checkModel(model, issues);
  const graph = new SemanticGraph(defs);
  const customGrains = new Set(defs.timeSpines.flatMap((t) => t.customGranularities.map((c) => c.name)));
  for (const metric of defs.metrics) {
    checkMetric(metric, graph, issues);
    checkGranularities(metric, customGrains, issues);
  }
  checkCycles(defs, issues);
  // Filters are resolved against the join graph, which is only meaningful once everything else is sound.
  if (issues.size > 0) return;
  for (const metric of defs.metrics) checkMetricFilters(metric, graph, issues);
  for (const query of defs.savedQueries) checkSavedQuery(query, graph, issues);
}

function checkUniqueNames(defs: Definitions, issues: IssueList): void {
  const unique = <T extends { name: string; loc?: SourceLocation }>(items: readonly T[], what: string, scope = '') => {
    const first = new Map<string, T>();
    for (const item of items) {
      const previous = first.get(item.name);
      if (previous) {
        const where = previous.loc ? ` (first defined at ${previous.loc.file}:${previous.loc.line})` : '';
        issues.add('DUPLICATE_NAME', item.loc, `duplicate ${what} name '${item.name}'${scope}${where}`);
      } else first.set(item.name, item);
    }
  };
  unique(defs.semanticModels, 'semantic model');
  unique(defs.metrics, 'metric');
  unique(defs.savedQueries, 'saved query');
  unique(
    defs.semanticModels.flatMap((m) => m.measures),
    'measure',
    ' (measure names are unique across all semantic models)',
  );
  for (const model of defs.semanticModels) {
    unique(model.entities, 'entity', ` in semantic model '${model.name}'`);
    unique([...model.dimensions, ...model.measures.filter((m) => !m.fromMetric)], 'dimension or measure', ` in semantic model '${model.name}'`);
  }
}

/**
 * A name means one kind of element everywhere (a dimension in one model cannot be an
 * entity in another), and a primary entity's dimension name lives in one model only,
 * so `entity__dimension` always points at exactly one column.
 */
function checkElementConsistency(defs: Definitions, issues: IssueList): void {
  const kinds = new Map<string, { kind: string; model: string }>();
  const pairs = new Map<string, string>();
  for (const model of defs.semanticModels) {
    const elements: Array<[string, string, SourceLocation | undefined]> = [
      ...model.entities.map((e): [string, string, SourceLocation | undefined] => [e.name, 'entity', e.loc]),
      ...model.dimensions.map((d): [string, string, SourceLocation | undefined] => [d.name, 'dimension', d.loc]),
      ...model.measures.filter((m) => !m.fromMetric).map((m): [string, string, SourceLocation | undefined] => [m.name, 'measure', m.loc]),
    ];
    for (const [name, kind, loc] of elements) {
      const previous = kinds.get(name);
      if (previous && previous.kind !== kind)
        issues.add(
          'DUPLICATE_NAME',
          loc,
          `'${name}' is a ${kind} in semantic model '${model.name}' but a ${previous.kind} in semantic model '${previous.model}'; an element name must mean the same kind everywhere`,
        );
      else if (!previous) kinds.set(name, { kind, model: model.name });
    }
    if (!model.primaryEntity) continue;
    for (const dimension of model.dimensions) {
      const key = `${model.primaryEntity}__${dimension.name}`;
      const owner = pairs.get(key);
      if (owner && owner !== model.name)
        issues.add(
          'DUPLICATE_NAME',
          dimension.loc,
          `'${key}' is defined in both semantic model '${owner}' and '${model.name}' (same primary entity, same dimension name); rename one`,
        );
      else pairs.set(key, model.name);
    }
  }
}

function checkModel(model: SemanticModelDef, issues: IssueList): void {
  const what = `semantic model '${model.name}'`;
  const dimension = (name: string) => model.dimensions.find((d) => d.name === name);
  const timeDimensions = model.dimensions.filter((d) => d.type === 'time').map((d) => d.name);
  if (model.defaultAggTimeDimension) {
    const found = dimension(model.defaultAggTimeDimension);
    if ((!found && !issues.unreadable.has(model.defaultAggTimeDimension)) || (found && found.type !== 'time'))
      issues.add(
        'UNKNOWN_REFERENCE',
        model.loc,
        `${what}: defaults.agg_time_dimension '${model.defaultAggTimeDimension}' is not a time dimension of the model.${didYouMean(model.defaultAggTimeDimension, timeDimensions)}`,
      );
  }
  if (model.dimensions.length > 0 && !model.primaryEntity)
    issues.add(
      'INVALID_JOIN',
      model.loc,
      `${what} has dimensions but no primary entity; add an entity of type primary or 'primary_entity: <name>' so its dimensions can be addressed`,
    );
  for (const measure of model.measures) {
    const mwhat = `measure '${measure.name}' of ${what}`;
    if (!measure.aggTimeDimension)
      issues.add(
        'MISSING_FIELD',
        measure.loc,
        `${mwhat} has no agg_time_dimension and the model has no defaults.agg_time_dimension; expected one of its time dimensions${timeDimensions.length ? ` (${timeDimensions.join(', ')})` : ''}`,
      );
    else if (measure.aggTimeDimension !== model.defaultAggTimeDimension) {
      // A measure that inherits the model default is covered by the check above.
      const found = dimension(measure.aggTimeDimension);
      if ((!found && !issues.unreadable.has(measure.aggTimeDimension)) || (found && found.type !== 'time'))
        issues.add(
          'UNKNOWN_REFERENCE',
          measure.loc,
          `${mwhat}: agg_time_dimension '${measure.aggTimeDimension}' is not a time dimension of the model.${didYouMean(measure.aggTimeDimension, timeDimensions)}`,
        );
    }
    const nad = measure.nonAdditiveDimension;
    if (nad) {
      const found = dimension(nad.name);
      const aggTime = measure.aggTimeDimension ? dimension(measure.aggTimeDimension) : undefined;
      if (found && found.type === 'time' && aggTime && aggTime.granularity !== found.granularity)
        issues.add(
          'INVALID_VALUE',
          measure.loc,
          `${mwhat}: non_additive_dimension '${nad.name}' has granularity ${found.granularity} but the agg_time_dimension '${aggTime.name}' has ${aggTime.granularity}; they must match`,
        );
      if (!found || found.type !== 'time')
        issues.add(
          'UNKNOWN_REFERENCE',
          measure.loc,
          `${mwhat}: non_additive_dimension '${nad.name}' is not a time dimension of the model.${didYouMean(nad.name, timeDimensions)}`,
        );
      for (const grouping of nad.windowGroupings) {
        if (!model.entities.some((e) => e.name === grouping))
          issues.add(
            'UNKNOWN_REFERENCE',
            measure.loc,
            `${mwhat}: window_groupings entry '${grouping}' is not an entity of the model.${didYouMean(grouping, model.entities.map((e) => e.name))}`,
          );
      }
    }
  }
  const starts = model.dimensions.filter((d) => d.validity === 'start');
  const ends = model.dimensions.filter((d) => d.validity === 'end');
  const natural = model.entities.filter((e) => e.type === 'natural');
  if (starts.length + ends.length > 0) {
    if (starts.length !== 1 || ends.length !== 1)
      issues.add('INVALID_VALUE', model.loc, `${what}: a validity window needs exactly one is_start and one is_end time dimension`);
    if (natural.length === 0)
      issues.add('INVALID_JOIN', model.loc, `${what} has a validity window, so it needs a natural entity to join on`);
    if (model.measures.length > 0)
      issues.add('INVALID_VALUE', model.loc, `${what} has a validity window (SCD type II) and cannot also define measures`);
  } else if (natural.length > 0) {
    issues.add(
      'INVALID_JOIN',
      natural[0]!.loc,
      `${what}: natural entity '${natural[0]!.name}' needs a validity window (dimensions with validity_params is_start / is_end)`,
    );
  }
  const primaries = model.entities.filter((e) => e.type === 'primary');
  if (primaries.length > 1)
    issues.add('INVALID_JOIN', primaries[1]!.loc, `${what} has more than one primary entity ('${primaries[0]!.name}', '${primaries[1]!.name}')`);
}

function checkMeasureInput(input: MeasureInput, metric: MetricDef, graph: SemanticGraph, issues: IssueList, role: string): void {
  if (graph.measures.has(input.name) || issues.unreadable.has(input.name)) return;
  issues.add(
    'UNKNOWN_REFERENCE',
    input.loc ?? metric.loc,
    `metric '${metric.name}': ${role} '${input.name}' is not a measure.${didYouMean(input.name, graph.measures.keys())}`,
  );
}

function checkMetric(metric: MetricDef, graph: SemanticGraph, issues: IssueList): void {
  const p = metric.params;
  const what = `metric '${metric.name}'`;
  const metricExists = (input: MetricInput, role: string) => {
    if (graph.metrics.has(input.name) || issues.unreadable.has(input.name)) return;
    issues.add(
      'UNKNOWN_REFERENCE',
      input.loc ?? metric.loc,
      `${what}: ${role} '${input.name}' is not a metric.${didYouMean(input.name, graph.metrics.keys())}`,
    );
  };
  switch (p.type) {
    case 'simple':
      checkMeasureInput(p.measure, metric, graph, issues, 'measure');
      break;
    case 'cumulative':
      checkMeasureInput(p.measure, metric, graph, issues, 'measure');
      break;
    case 'ratio':
      metricExists(p.numerator, 'numerator');
      metricExists(p.denominator, 'denominator');
      break;
    case 'derived': {
      const names = new Map<string, string>();
      for (const input of p.metrics) {
        metricExists(input, 'input metric');
        const key = input.alias ?? input.name;
        if (names.has(key)) issues.add('DUPLICATE_NAME', metric.loc, `${what}: two inputs are both called '${key}'; give one an alias`);
        names.set(key, input.name);
      }
      try {
        const expr = parseExpression(p.expr, { allowIdentifiers: true, allowTemplates: false });
        for (const identifier of collectIdentifiers(expr)) {
          if (!names.has(identifier.name))
            issues.add(
              'UNKNOWN_REFERENCE',
              metric.loc,
              `${what}: expr refers to '${identifier.name}', which is not one of its input metrics or aliases.${didYouMean(identifier.name, names.keys())}`,
            );
        }
      } catch (error) {
        if (!(error instanceof FilterSyntaxError)) throw error;
        issues.add('INVALID_EXPRESSION', metric.loc, `${what}: expr '${p.expr}' does not parse at offset ${error.at}: ${error.message}`);
      }
      break;
    }
    case 'conversion': {
      checkMeasureInput(p.baseMeasure, metric, graph, issues, 'base_measure');
      checkMeasureInput(p.conversionMeasure, metric, graph, issues, 'conversion_measure');
      const base = graph.measures.get(p.baseMeasure.name);
      const conversion = graph.measures.get(p.conversionMeasure.name);
      for (const [role, side] of [['base', base], ['conversion', conversion]] as const) {
        if (!side) continue;
        const { agg, expr } = side.measure;
        if (!(agg === 'count' || agg === 'count_distinct' || (agg === 'sum' && expr.trim() === '1')))
          issues.add(
            'INVALID_VALUE',
            metric.loc,
            `${what}: the ${role} measure '${side.measure.name}' must count events (agg count, count_distinct, or sum with expr 1), not ${agg} of '${expr}'`,
          );
      }
      for (const side of [base, conversion]) {
        if (side && !side.model.entities.some((e) => e.name === p.entity))
          issues.add(
            'UNKNOWN_REFERENCE',
            metric.loc,
            `${what}: entity '${p.entity}' is not an entity of semantic model '${side.model.name}'.${didYouMean(p.entity, side.model.entities.map((e) => e.name))}`,
          );
      }
      for (const property of p.constantProperties) {
        for (const [side, name] of [
          [base, property.baseProperty],
          [conversion, property.conversionProperty],
        ] as const) {
          if (side && !side.model.dimensions.some((d) => d.name === name) && !side.model.entities.some((e) => e.name === name))
            issues.add(
              'UNKNOWN_REFERENCE',
              metric.loc,
              `${what}: constant property '${name}' is not a dimension or entity of semantic model '${side.model.name}'.${didYouMean(name, side.model.dimensions.map((d) => d.name))}`,
            );
        }
      }
      break;
    }
  }
}

/** Windows and grains name a standard granularity or a custom one defined on a time spine. */
function checkGranularities(metric: MetricDef, custom: ReadonlySet<string>, issues: IssueList): void {
  const p = metric.params;
  const used: Array<[string, string]> = [];
  if (p.type === 'cumulative') {
    if (p.window) used.push(['window', p.window.granularity]);
    if (p.grainToDate) used.push(['grain_to_date', p.grainToDate]);
  }
  if (p.type === 'conversion' && p.window) used.push(['window', p.window.granularity]);
  if (p.type === 'derived') {
    for (const input of p.metrics) {
      if (input.offsetWindow) used.push(['offset_window', input.offsetWindow.granularity]);
      if (input.offsetToGrain) used.push(['offset_to_grain', input.offsetToGrain]);
    }
  }
  for (const [field, grain] of used) {
    if (isGranularity(grain) || custom.has(grain)) continue;
    const known = [...GRANULARITIES, ...custom];
    issues.add(
      'INVALID_VALUE',
      metric.loc,
      `metric '${metric.name}': ${field} uses '${grain}', which is neither a granularity (${GRANULARITIES.join(', ')}) nor a custom granularity of a time spine.${didYouMean(grain, known)}`,
    );
  }
}

/** Derived and ratio metrics must not depend on themselves, directly or not. */
function checkCycles(defs: Definitions, issues: IssueList): void {
  const byName = new Map(defs.metrics.map((m) => [m.name, m]));
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (name: string, stack: string[]) => {
    const metric = byName.get(name);
    if (!metric) return;
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(name)), name];
      const key = [...cycle].sort().join(',');
      if (!reported.has(key)) {
        reported.add(key);
        issues.add('CYCLE', metric.loc, `metric '${name}' depends on itself: ${cycle.join(' -> ')}`);
      }
      return;
    }
    state.set(name, 'visiting');
    for (const input of directMetricInputs(metric)) visit(input, [...stack, name]);
    state.set(name, 'done');
  };
  for (const metric of defs.metrics) visit(metric.name, []);
}

/** Where a filter's parse error sits in its file. */
function filterErrorLocation(filter: FilterDef, offset: number): SourceLocation | undefined {
  if (!filter.loc) return undefined;
  const { line, column } = lineColumnOf(filter.sql, offset);
  return line === 1
    ? { file: filter.loc.file, line: filter.loc.line, column: filter.loc.column + column - 1 }
    : { file: filter.loc.file, line: filter.loc.line + line - 1, column };
}

/** Parses a filter and reports syntax errors at their exact position; returns its references. */
export function parseFilterDef(filter: FilterDef, owner: string, issues: IssueList): ItemReference[] | null {
  try {
    return collectReferences(parseExpression(filter.sql));
  } catch (error) {
    if (!(error instanceof FilterSyntaxError)) throw error;
    issues.add('INVALID_FILTER', filterErrorLocation(filter, error.at), `${owner}: filter does not parse: ${error.message}`);
    return null;
  }
}

function checkMetricFilters(metric: MetricDef, graph: SemanticGraph, issues: IssueList): void {
  const owner = `metric '${metric.name}'`;
  const p = metric.params;
  const sources = graph.measuresOf(metric.name).map((m) => m.model);
  const groups: Array<{ filters: readonly FilterDef[]; sources: SemanticModelDef[] }> = [{ filters: metric.filters, sources }];
  if (p.type === 'simple' || p.type === 'cumulative') {
    const ref = graph.measures.get(p.measure.name);
    groups.push({ filters: p.measure.filters, sources: ref ? [ref.model] : [] });
  }
  if (p.type === 'ratio' || p.type === 'derived') {
    const inputs = p.type === 'ratio' ? [p.numerator, p.denominator] : p.metrics;
    for (const input of inputs) groups.push({ filters: input.filters, sources: graph.measuresOf(input.name).map((m) => m.model) });
  }
  if (p.type === 'conversion') {
    for (const input of [p.baseMeasure, p.conversionMeasure]) {
      const ref = graph.measures.get(input.name);
      groups.push({ filters: input.filters, sources: ref ? [ref.model] : [] });
    }
  }
  for (const group of groups) {
    for (const filter of group.filters) {
      const refs = parseFilterDef(filter, owner, issues);
      if (refs) for (const ref of refs) checkReference(ref, group.sources, graph, issues, filter.loc, owner);
    }
  }
}

function checkSavedQuery(query: Definitions['savedQueries'][number], graph: SemanticGraph, issues: IssueList): void {
  const owner = `saved query '${query.name}'`;
  const sources: SemanticModelDef[] = [];
  for (const name of query.metrics) {
    if (!graph.metrics.has(name))
      issues.add('UNKNOWN_REFERENCE', query.loc, `${owner}: '${name}' is not a metric.${didYouMean(name, graph.metrics.keys())}`);
    else sources.push(...graph.measuresOf(name).map((m) => m.model));
  }
  for (const item of query.groupBy) {
    checkReference({ type: 'dimension', name: item, entityPath: [] }, sources, graph, issues, query.loc, owner);
  }
  for (const filter of query.where) {
    const refs = parseFilterDef(filter, owner, issues);
    if (refs) for (const ref of refs) checkReference(ref, sources, graph, issues, filter.loc, owner);
  }
}

/**
 * A referenced item must be reachable from every model it will be evaluated against.
 * Dimension-only contexts (no sources) accept any element that exists somewhere.
 */
function checkReference(
  ref: ItemReference,
  sources: readonly SemanticModelDef[],
  graph: SemanticGraph,
  issues: IssueList,
  loc: SourceLocation | undefined,
  owner: string,
): void {
  if (ref.type === 'metric') {
    if (!graph.metrics.has(ref.name))
      issues.add('UNKNOWN_REFERENCE', loc, `${owner}: filter refers to unknown metric '${ref.name}'.${didYouMean(ref.name, graph.metrics.keys())}`);
    return;
  }
  const readings = parseItemName(ref.name, ref.entityPath);
  if (readings.some((r) => r.element === 'metric_time' && r.path.length === 0)) return;
  const unique = new Map<string, SemanticModelDef>(sources.map((s) => [s.name, s]));
  const candidates = unique.size > 0 ? [...unique.values()] : [...graph.models.values()];
  const resolvedSomewhere = (source: SemanticModelDef) => readings.some((r) => graph.findElement(source, r.path, r.element).length > 0);
  const failing = unique.size > 0 ? candidates.filter((s) => !resolvedSomewhere(s)) : candidates.some(resolvedSomewhere) ? [] : candidates;
  if (failing.length === 0) return;
  const source = failing[0]!;
  const known = graph.reachableElements(source).map((e) => qualifiedName(e.path, e.element));
  const reading = readings[readings.length - 1]!;
  const name = qualifiedName(reading.path, reading.element);
  const exists = graph.modelsWithDimension(reading.element).length > 0 || graph.hasEntity(reading.element);
  const code = exists && reading.path.length > 0 ? 'INVALID_JOIN' : 'UNKNOWN_REFERENCE';
  const detail =
    unique.size > 0
      ? exists
        ? `cannot be reached from semantic model '${source.name}' along the entity path [${reading.path.join(', ')}] (joins may only land on a primary, unique or natural entity)`
        : `is not a dimension or entity reachable from semantic model '${source.name}'`
      : 'is not a dimension or entity of any semantic model';
  issues.add(code, loc, `${owner}: '${name}' ${detail}.${didYouMean(name, known)}`);
}
