import { DefinitionsError, IssueList } from './issues';
import { checkName } from './names';
import { MapReader, type ReadContext } from './reader';
import { readMetric, type InlineMeasure } from './readMetrics';
import { notNull, readSemanticModel } from './readModels';
import { readLatestSpecModel } from './readLatestModels';
import { readModelTimeSpine, readSavedQuery, readTimeSpine } from './readOther';
import { didYouMean } from './suggest';
import type { AccessPolicyDef, Definitions, MeasureInput, MetricDef, SemanticModelDef, TimeSpineDef } from './types';
import { validateDefinitions } from './validate';
import { parseYamlFile, toPlain, type YNode } from './yamlTree';

export interface SourceFile {
  readonly path: string;
  readonly content: string;
}

export interface LoadOptions {
  /** Publish-time variables for `{{ var('x') }}` and `$x` in node_relation. */
  readonly vars?: Readonly<Record<string, string>>;
}

const SEMANTIC_KEYS = [
  'semantic_models',
  'metrics',
  'saved_queries',
  'time_spines',
  'time_spine_table_configurations',
  'access_policies',
  'semantic_model',
  'metric',
  'saved_query',
  'project_configuration',
];

/** Keys dbt itself uses in properties files and dbt_project.yml: accepted and ignored. */
const DBT_KEYS = new Set([
  'version', 'models', 'sources', 'seeds', 'snapshots', 'exposures', 'macros', 'analyses', 'groups',
  'unit_tests', 'data_tests', 'tests', 'semantic-models', 'name', 'profile', 'config-version', 'model-paths',
  'seed-paths', 'test-paths', 'analysis-paths', 'macro-paths', 'snapshot-paths', 'docs-paths', 'asset-paths',
  'target-path', 'clean-targets', 'packages', 'vars', 'flags', 'require-dbt-version', 'dispatch', 'on-run-start',
  'on-run-end', 'query-comment', 'quoting', 'restrict-access', 'dbt-cloud', 'functions', 'catalogs', 'log-path',
  'packages-install-path', 'selectors', 'anchors',
]);

/**
 * Reads, normalizes and validates a set of dbt Semantic Layer files. Throws a
 * DefinitionsError listing every problem (file:line:column) when anything is wrong.
 */
export function loadDefinitions(files: readonly SourceFile[], options: LoadOptions = {}): Definitions {
  const issues = new IssueList();
  const ctx: ReadContext = { issues, vars: options.vars ?? {} };
  const models: SemanticModelDef[] = [];
  const metrics: MetricDef[] = [];
  const inlineMeasures: InlineMeasure[] = [];
  const definitions = {
    savedQueries: [] as Definitions['savedQueries'][number][],
    timeSpines: [] as TimeSpineDef[],
    accessPolicies: [] as AccessPolicyDef[],
  };
  const sorted = [...files].sort((a, b) => a.path.localeCompare(b.path));
  for (const file of sorted) {
    for (const doc of parseYamlFile(file.path, file.content, issues)) {
      readDocument(doc, ctx, {
        model: (m) => models.push(m),
        metric: (m, inline) => {
          metrics.push(m);
          if (inline) inlineMeasures.push(inline);
        },
        savedQuery: (q) => definitions.savedQueries.push(q),
        timeSpine: (t) => definitions.timeSpines.push(t),
        accessPolicy: (p) => definitions.accessPolicies.push(p),
      });
    }
  }
  const withInline = attachInlineMeasures(models, inlineMeasures, ctx);
  const allMetrics = [...metrics, ...createdMetrics(withInline, metrics)];
  const result: Definitions = {
    semanticModels: withInline,
    metrics: resolveMetricInputs(allMetrics, withInline),
    savedQueries: definitions.savedQueries,
    timeSpines: definitions.timeSpines,
    accessPolicies: definitions.accessPolicies,
  };
  validateDefinitions(result, issues);
  if (issues.size > 0) throw new DefinitionsError(issues.sorted());
  return result;
}

interface Sinks {
  model(m: SemanticModelDef): void;
  metric(m: MetricDef, inline: InlineMeasure | null): void;
  savedQuery(q: Definitions['savedQueries'][number]): void;
  timeSpine(t: TimeSpineDef): void;
  accessPolicy(p: AccessPolicyDef): void;
}

function readDocument(doc: YNode, ctx: ReadContext, sinks: Sinks): void {
  if (doc.kind !== 'map') return;
  const keys = doc.entries.map((e) => e.key);
  const isSemantic = keys.some((k) => SEMANTIC_KEYS.includes(k));
  if (!isSemantic) {
    // A file of plain dbt config is fine; a near-miss of a semantic key is almost surely a typo.
    for (const entry of doc.entries) {
      const hint = didYouMean(entry.key, SEMANTIC_KEYS);
      if (!DBT_KEYS.has(entry.key) && hint && entry.key.length > 4)
        ctx.issues.add('UNKNOWN_FIELD', entry.keyLoc, `unknown top-level key '${entry.key}'.${hint}`);
    }
    readDbtModels(doc, ctx, sinks);
    return;
  }
  const r = new MapReader(doc, 'file', ctx);
  for (const node of r.list('semantic_models')) {
    const model = readSemanticModel(node, ctx);
    if (model) sinks.model(model);
  }
  const single = r.raw('semantic_model');
  if (single) {
    const model = readSemanticModel(single, ctx);
    if (model) sinks.model(model);
  }
  for (const node of [...r.list('metrics'), ...(r.raw('metric') ? [r.raw('metric')!] : [])]) {
    const result = readMetric(node, ctx);
    if (result) sinks.metric(result.metric, result.inlineMeasure);
  }
  for (const node of [...r.list('saved_queries'), ...(r.raw('saved_query') ? [r.raw('saved_query')!] : [])]) {
    const query = readSavedQuery(node, ctx);
    if (query) sinks.savedQuery(query);
  }
  const project = r.map('project_configuration', 'project_configuration');
  for (const source of [r, project]) {
    if (!source) continue;
    for (const node of [...source.list('time_spines'), ...source.list('time_spine_table_configurations')]) {
      const spine = readTimeSpine(node, ctx);
      if (spine) sinks.timeSpine(spine);
    }
  }
  project?.ignore('dsi_package_version', 'metadata');
  project?.finish();
  for (const node of r.list('access_policies')) {
    const policy = MapReader.of(node, 'access policy', ctx);
    if (!policy) continue;
    const name = policy.requiredString('name');
    if (name) {
      checkName(name, 'access policy', policy.at('name'), ctx.issues);
      sinks.accessPolicy({ name, spec: toPlain(node) as Record<string, unknown>, loc: policy.loc });
    }
  }
  readDbtModels(doc, ctx, sinks);
  r.finish([...DBT_KEYS]);
}

/** dbt `models:` entries are ignored, except a `time_spine:` block, which names the spine table. */
function readDbtModels(doc: YNode, ctx: ReadContext, sinks: Sinks): void {
  if (doc.kind !== 'map') return;
  const models = doc.entries.find((e) => e.key === 'models')?.value;
  if (models?.kind !== 'seq') return;
  for (const model of models.items) {
    const spine = readModelTimeSpine(model, ctx);
    if (spine) sinks.timeSpine(spine);
    const latest = readLatestSpecModel(model, ctx);
    if (latest) {
      sinks.model(latest.model);
      for (const metric of latest.metrics) sinks.metric(metric.metric, metric.inlineMeasure);
    }
  }
}

/** Newer-spec simple metrics carry their aggregation; it joins its semantic model as a measure. */
function attachInlineMeasures(
  models: SemanticModelDef[],
  inline: readonly InlineMeasure[],
  ctx: ReadContext,
): SemanticModelDef[] {
  if (inline.length === 0) return models;
  const byName = new Map(models.map((m) => [m.name, { ...m, measures: [...m.measures] }]));
  for (const item of inline) {
    const target = item.semanticModel ? byName.get(item.semanticModel) : models.length === 1 ? byName.get(models[0]!.name) : undefined;
    if (!target) {
      ctx.issues.add(
        item.semanticModel ? 'UNKNOWN_REFERENCE' : 'MISSING_FIELD',
        item.loc,
        item.semanticModel
          ? `metric '${item.measure.name}': unknown semantic model '${item.semanticModel}'.${didYouMean(item.semanticModel, byName.keys())}`
          : `metric '${item.measure.name}' has agg but no semantic_model to aggregate`,
      );
      continue;
    }
    const measure = { ...item.measure, aggTimeDimension: item.measure.aggTimeDimension ?? target.defaultAggTimeDimension };
    target.measures.push(measure);
  }
  return models.map((m) => byName.get(m.name)!);
}

/** `create_metric: true` on a measure publishes a simple metric of the same name. */
function createdMetrics(models: readonly SemanticModelDef[], metrics: readonly MetricDef[]): MetricDef[] {
  const existing = new Set(metrics.map((m) => m.name));
  const out: MetricDef[] = [];
  for (const model of models) {
    for (const measure of model.measures) {
      if (!measure.createMetric || existing.has(measure.name)) continue;
      existing.add(measure.name);
      out.push({
        name: measure.name,
        type: 'simple',
        description: measure.description,
        label: measure.label,
        filters: [],
        params: { type: 'simple', measure: { name: measure.name, filters: [], alias: null, joinToTimespine: false, fillNullsWith: null } },
        timeGranularity: null,
        meta: { owner: null, layer: null, tier: null, parentMetric: null, unit: null, extra: {} },
        ...(measure.loc ? { loc: measure.loc } : {}),
      });
    }
  }
  return out;
}

/**
 * Cumulative and conversion metrics (and simple metrics in the legacy form) may name a
 * simple metric where a measure is expected, as the latest spec does: the input becomes
 * that metric's measure, with the metric's filters carried along.
 */
function resolveMetricInputs(metrics: readonly MetricDef[], models: readonly SemanticModelDef[]): MetricDef[] {
  const measures = new Set(models.flatMap((m) => m.measures.map((x) => x.name)));
  const byName = new Map(metrics.map((m) => [m.name, m]));
  const resolve = (input: MeasureInput, seen = new Set<string>()): MeasureInput => {
    if (measures.has(input.name)) return input;
    const metric = byName.get(input.name);
    if (!metric || metric.params.type !== 'simple' || seen.has(input.name)) return input;
    seen.add(input.name);
    const inner = resolve(metric.params.measure, seen);
    return {
      name: inner.name,
      filters: [...input.filters, ...metric.filters, ...inner.filters],
      alias: input.alias,
      joinToTimespine: input.joinToTimespine || inner.joinToTimespine,
      fillNullsWith: input.fillNullsWith ?? inner.fillNullsWith,
    };
  };
  return metrics.map((metric) => {
    const p = metric.params;
    if (p.type === 'simple' && !measures.has(p.measure.name) && p.measure.name !== metric.name)
      return { ...metric, params: { ...p, measure: resolve(p.measure) } };
    if (p.type === 'cumulative') return { ...metric, params: { ...p, measure: resolve(p.measure) } };
    if (p.type === 'conversion')
      return { ...metric, params: { ...p, baseMeasure: resolve(p.baseMeasure), conversionMeasure: resolve(p.conversionMeasure) } };
    return metric;
  });
}

export { notNull };
