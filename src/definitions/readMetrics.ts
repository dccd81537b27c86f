import { checkName, parseGranularity, parseWindow } from './names';
import { MapReader, type ReadContext } from './reader';
import { readAggregation } from './readModels';
import { readMeta } from './readMeta';
import {
  METRIC_TYPES,
  type FilterDef,
  type Granularity,
  type MeasureDef,
  type MeasureInput,
  type MetricDef,
  type MetricInput,
  type MetricParams,
  type TimeWindow,
} from './types';
import type { YNode } from './yamlTree';

/** A newer-spec simple metric carries its own aggregation: it becomes a measure of its model. */
export interface InlineMeasure {
  readonly semanticModel: string | null;
  readonly measure: MeasureDef;
  readonly loc: MetricDef['loc'];
}

export interface ReadMetricResult {
  readonly metric: MetricDef;
  readonly inlineMeasure: InlineMeasure | null;
}

const COMMON_METRIC_FIELDS = ['name', 'type', 'description', 'label', 'filter', 'config', 'meta', 'tags', 'group', 'time_granularity', 'hidden'];

/**
 * Reads one metric. A metric with `type_params` is in the legacy spec; without it, in the
 * latest spec (type defaults to simple, type-specific keys at the top level). A simple metric
 * that carries `agg` aggregates its semantic model: the enclosing model for metrics listed
 * under a dbt model, else its `semantic_model` key.
 */
export function readMetric(node: YNode, ctx: ReadContext, enclosingModel: string | null = null): ReadMetricResult | null {
  const r = MapReader.of(node, 'metric', ctx);
  if (!r) return null;
  const name = r.requiredString('name');
  if (name === null) {
    r.ignore(...COMMON_METRIC_FIELDS);
    return null;
  }
  const what = `metric '${name}'`;
  const m = new MapReader(r.node, what, ctx);
  m.ignore('name', 'hidden', 'tags', 'group');
  checkName(name, 'metric', m.at('name'), ctx.issues);
  const legacy = m.has('type_params');
  const type = m.oneOf('type', METRIC_TYPES, { required: legacy }) ?? (legacy ? null : m.has('type') ? null : 'simple');
  const filters = readFilters(m, 'filter');
  const grain = m.string('time_granularity');
  const timeGranularity = grain === null ? null : parseGranularity(grain);
  if (grain !== null && timeGranularity === null)
    ctx.issues.add('INVALID_VALUE', m.at('time_granularity'), `${what}: time_granularity '${grain}' is not a granularity`);
  const config = m.map('config', `config of ${what}`);
  const meta = readMeta(config, m, ctx, what);
  config?.ignore('enabled', 'group', 'tags');
  config?.finish();

  let result: { params: MetricParams | null; inline: InlineMeasure | null } = { params: null, inline: null };
  if (type && legacy) {
    const params = m.map('type_params', `type_params of ${what}`)!;
    result = readLegacyParams(type, params, name, what, ctx);
    params.ignore('metric_aggregation_params', 'input_measures', 'is_private');
    params.finish();
  } else if (type) {
    result = readLatestParams(type, m, name, what, enclosingModel, ctx);
  }
  m.finish(COMMON_METRIC_FIELDS);
  if (!type || !result.params) {
    ctx.issues.unreadable.add(name);
    return null;
  }
  return {
    metric: {
      name,
      type,
      description: m.string('description'),
      label: m.string('label'),
      filters,
      params: result.params,
      timeGranularity,
      meta,
      loc: r.loc,
    },
    inlineMeasure: result.inline,
  };
}

type ParamsResult = { params: MetricParams | null; inline: InlineMeasure | null };

function readLegacyParams(type: MetricDef['type'], p: MapReader, name: string, what: string, ctx: ReadContext): ParamsResult {
  switch (type) {
    case 'simple': {
      if (p.has('metric_aggregation_params')) {
        // The compiled form of a latest-spec simple metric (semantic_manifest.json).
        const agg = p.map('metric_aggregation_params', `metric_aggregation_params of ${what}`)!;
        const inline = readInlineMeasure(agg, name, what, agg.string('semantic_model'), p.string('expr'), ctx);
        agg.finish();
        return { params: { type, measure: measureInputFrom(p, name) }, inline };
      }
      const measure = readMeasureInput(p, 'measure', what, ctx, true);
      return { params: measure ? { type, measure: withTimespine(measure, p) } : null, inline: null };
    }
    case 'ratio': {
      const numerator = readMetricInput(p, 'numerator', what, ctx, true);
      const denominator = readMetricInput(p, 'denominator', what, ctx, true);
      return { params: numerator && denominator ? { type, numerator, denominator } : null, inline: null };
    }
    case 'derived': {
      const expr = p.requiredString('expr');
      const inputs = p.list('metrics', { required: true }).map((n) => readMetricInputNode(n, what, ctx));
      return { params: expr !== null && inputs.every(Boolean) ? { type, expr, metrics: inputs as MetricInput[] } : null, inline: null };
    }
    case 'cumulative': {
      const nested = p.map('cumulative_type_params', `cumulative_type_params of ${what}`);
      const window = (nested && readWindow(nested, 'window', what, ctx)) ?? readWindow(p, 'window', what, ctx);
      const grainToDate = (nested && readGrain(nested, 'grain_to_date')) ?? readGrain(p, 'grain_to_date');
      const periodAgg = nested?.oneOf('period_agg', PERIOD_AGGS) ?? 'first';
      const measure = nested?.has('metric')
        ? readMeasureInput(nested, 'metric', what, ctx, true)
        : readMeasureInput(p, 'measure', what, ctx, true);
      nested?.finish();
      return { params: cumulative(measure, window, grainToDate, periodAgg, p, what, ctx), inline: null };
    }
    case 'conversion': {
      const c = p.map('conversion_type_params', `conversion_type_params of ${what}`, { required: true });
      if (!c) return { params: null, inline: null };
      const params = readConversion(c, 'base_measure', 'conversion_measure', 'conversion_rate', what, ctx);
      c.finish();
      return { params, inline: null };
    }
  }
}

function readLatestParams(
  type: MetricDef['type'],
  m: MapReader,
  name: string,
  what: string,
  enclosingModel: string | null,
  ctx: ReadContext,
): ParamsResult {
  switch (type) {
    case 'simple': {
      const semanticModel = enclosingModel ?? m.string('semantic_model');
      if (!semanticModel && m.has('agg')) {
        ctx.issues.add(
          'MISSING_FIELD',
          m.loc,
          `${what} has agg but no semantic model: list it under a model's metrics or add 'semantic_model: <name>'`,
        );
        m.ignore('agg', 'expr', 'agg_params', 'percentile', 'percentile_type', 'non_additive_dimension', 'agg_time_dimension');
        return { params: null, inline: null };
      }
      if (!m.has('agg')) {
        m.missing('agg');
        return { params: null, inline: null };
      }
      const inline = readInlineMeasure(m, name, what, semanticModel, null, ctx);
      return { params: { type, measure: measureInputFrom(m, name) }, inline };
    }
    case 'ratio': {
      const numerator = readMetricInput(m, 'numerator', what, ctx, true);
      const denominator = readMetricInput(m, 'denominator', what, ctx, true);
      return { params: numerator && denominator ? { type, numerator, denominator } : null, inline: null };
    }
    case 'derived': {
      const expr = m.requiredString('expr');
      const key = m.has('input_metrics') ? 'input_metrics' : 'metrics';
      const inputs = m.list(key, { required: true }).map((n) => readMetricInputNode(n, what, ctx));
      return { params: expr !== null && inputs.every(Boolean) ? { type, expr, metrics: inputs as MetricInput[] } : null, inline: null };
    }
    case 'cumulative': {
      const input = readMeasureInput(m, 'input_metric', what, ctx, true);
      const window = readWindow(m, 'window', what, ctx);
      const grainToDate = readGrain(m, 'grain_to_date');
      const periodAgg = m.oneOf('period_agg', PERIOD_AGGS) ?? 'first';
      return { params: cumulative(input, window, grainToDate, periodAgg, m, what, ctx), inline: null };
    }
    case 'conversion':
      return { params: readConversion(m, 'base_metric', 'conversion_metric', null, what, ctx), inline: null };
  }
}

const PERIOD_AGGS = ['first', 'last', 'average'] as const;

function cumulative(
  measure: MeasureInput | null,
  window: TimeWindow | null,
  grainToDate: Granularity | string | null,
  periodAgg: (typeof PERIOD_AGGS)[number],
  r: MapReader,
  what: string,
  ctx: ReadContext,
): MetricParams | null {
  if (window && grainToDate)
    ctx.issues.add('INVALID_VALUE', r.loc, `${what}: a cumulative metric takes either window or grain_to_date, not both`);
  if (!measure) return null;
  return { type: 'cumulative', measure, window, grainToDate, periodAgg };
}

/** A filter: one string or a list of strings, ANDed. */
export function readFilters(r: MapReader, key: string): FilterDef[] {
  return r.strings(key).map((s) => ({ sql: s.value, loc: s.loc }));
}

function readInlineMeasure(
  r: MapReader,
  name: string,
  what: string,
  semanticModel: string | null,
  exprOverride: string | null,
  ctx: ReadContext,
): InlineMeasure | null {
  const aggregation = readAggregation(r, what, name, null, ctx);
  if (!aggregation) return null;
  return {
    semanticModel,
    measure: {
      name,
      ...aggregation,
      expr: exprOverride ?? aggregation.expr,
      description: null,
      label: null,
      createMetric: false,
      fromMetric: true,
      loc: r.loc,
    },
    loc: r.loc,
  };
}

function measureInputFrom(m: MapReader, name: string): MeasureInput {
  return {
    name,
    filters: [],
    alias: null,
    joinToTimespine: m.boolean('join_to_timespine', false),
    fillNullsWith: m.number('fill_nulls_with'),
  };
}

/** Metric-level join_to_timespine / fill_nulls_with (newer spec) apply to the measure input. */
function withTimespine(input: MeasureInput, m: MapReader): MeasureInput {
  const join = m.has('join_to_timespine') ? m.boolean('join_to_timespine', false) : null;
  const fill = m.has('fill_nulls_with') ? m.number('fill_nulls_with') : null;
  return {
    ...input,
    joinToTimespine: join ?? input.joinToTimespine,
    fillNullsWith: fill ?? input.fillNullsWith,
  };
}

function readMeasureInput(r: MapReader, key: string, what: string, ctx: ReadContext, required: boolean): MeasureInput | null {
  const node = r.raw(key);
  if (!node || (node.kind === 'scalar' && node.value === null)) {
    if (required) r.missing(key);
    return null;
  }
  if (node.kind === 'scalar') {
    const name = r.string(key);
    return name ? { name, filters: [], alias: null, joinToTimespine: false, fillNullsWith: null, loc: node.loc } : null;
  }
  const i = MapReader.of(node, `${key} of ${what}`, ctx);
  if (!i) return null;
  const name = i.requiredString('name');
  const input: MeasureInput = {
    name: name ?? '',
    filters: readFilters(i, 'filter'),
    alias: i.string('alias'),
    joinToTimespine: i.boolean('join_to_timespine', false),
    fillNullsWith: i.number('fill_nulls_with'),
    loc: i.at('name'),
  };
  i.finish();
  return name ? input : null;
}

function readMetricInput(r: MapReader, key: string, what: string, ctx: ReadContext, required: boolean): MetricInput | null {
  const node = r.raw(key);
  if (!node || (node.kind === 'scalar' && node.value === null)) {
    if (required) r.missing(key);
    return null;
  }
  return readMetricInputNode(node, `${key} of ${what}`, ctx);
}

function readMetricInputNode(node: YNode, what: string, ctx: ReadContext): MetricInput | null {
  if (node.kind === 'scalar' && node.value !== null) {
    return { name: String(node.value), filters: [], alias: null, offsetWindow: null, offsetToGrain: null, loc: node.loc };
  }
  const i = MapReader.of(node, `input metric of ${what}`, ctx);
  if (!i) return null;
  const name = i.requiredString('name');
  const offsetText = i.string('offset_window');
  const offsetWindow = offsetText === null ? null : parseWindow(offsetText);
  if (offsetText !== null && !offsetWindow)
    ctx.issues.add('INVALID_VALUE', i.at('offset_window'), `${what}: offset_window '${offsetText}' must look like '7 days' or '1 month'`);
  const offsetToGrain = readGrain(i, 'offset_to_grain');
  if (offsetWindow && offsetToGrain)
    ctx.issues.add('INVALID_VALUE', i.loc, `${what}: use either offset_window or offset_to_grain, not both`);
  const input: MetricInput = {
    name: name ?? '',
    filters: readFilters(i, 'filter'),
    alias: i.string('alias'),
    offsetWindow,
    offsetToGrain,
    loc: i.at('name'),
  };
  i.finish();
  return name ? input : null;
}

function readWindow(r: MapReader, key: string, what: string, ctx: ReadContext): TimeWindow | null {
  const text = r.string(key);
  if (text === null) return null;
  const window = parseWindow(text);
  if (!window) ctx.issues.add('INVALID_VALUE', r.at(key), `${what}: ${key} '${text}' must look like '7 days' or '1 month'`);
  return window;
}

/** A standard granularity, or a custom one (checked against the time spines during validation). */
function readGrain(r: MapReader, key: string): Granularity | string | null {
  const text = r.string(key);
  if (text === null) return null;
  return parseGranularity(text) ?? text.trim().toLowerCase();
}

function readConversion(
  c: MapReader,
  baseKey: string,
  conversionKey: string,
  defaultCalculation: 'conversion_rate' | null,
  what: string,
  ctx: ReadContext,
): MetricParams | null {
  const base = readMeasureInput(c, baseKey, what, ctx, true);
  const conversion = readMeasureInput(c, conversionKey, what, ctx, true);
  const entity = c.requiredString('entity');
  const calculation =
    c.oneOf('calculation', ['conversion_rate', 'conversions'] as const, { required: defaultCalculation === null }) ?? defaultCalculation;
  const window = readWindow(c, 'window', what, ctx);
  const constantProperties = c.list('constant_properties').flatMap((node) => {
    const p = MapReader.of(node, `constant property of ${what}`, ctx);
    if (!p) return [];
    const baseProperty = p.requiredString('base_property');
    const conversionProperty = p.requiredString('conversion_property');
    p.finish();
    return baseProperty && conversionProperty ? [{ baseProperty, conversionProperty }] : [];
  });
  if (!base || !conversion || !entity || !calculation) return null;
  return { type: 'conversion', baseMeasure: base, conversionMeasure: conversion, entity, calculation, window, constantProperties };
}
