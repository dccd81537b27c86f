import { Catalog, type MetricDef, type MeasureInput, type MetricInput, type SemanticGraph } from '../definitions';
import type { CatalogDimension } from '../definitions/catalog';
import type { DatePart, Dimension, DimensionKind, Metric, MetricType, MetricTypeParams, TimeGrain } from './types/catalog';

const catalogs = new WeakMap<SemanticGraph, Catalog>();

/** The catalog of a graph (one per published version, built on first use). */
export function catalogOf(graph: SemanticGraph): Catalog {
  let catalog = catalogs.get(graph);
  if (!catalog) {
    catalog = new Catalog(graph);
    catalogs.set(graph, catalog);
  }
  return catalog;
}

export function toMetric(def: MetricDef, version: number, graph: SemanticGraph): Metric {
  return {
    name: def.name,
    label: def.label,
    description: def.description,
    type: def.type as MetricType,
    filter: def.filters.map((f) => f.sql),
    typeParams: typeParams(def),
    owner: def.meta.owner,
    layer: def.meta.layer,
    tier: def.meta.tier,
    unit: def.meta.unit,
    parentMetric: def.meta.parentMetric,
    meta: def.meta.extra,
    version,
    source: { def, version, graph },
  };
}

function measureInput(m: MeasureInput) {
  return { name: m.name, filter: m.filters.map((f) => f.sql), joinToTimespine: m.joinToTimespine, fillNullsWith: m.fillNullsWith };
}

function metricInput(m: MetricInput) {
  return {
    name: m.name,
    alias: m.alias,
    filter: m.filters.map((f) => f.sql),
    offsetWindow: m.offsetWindow ? `${m.offsetWindow.count} ${m.offsetWindow.granularity}` : null,
    offsetToGrain: m.offsetToGrain,
  };
}

function typeParams(def: MetricDef): MetricTypeParams {
  const empty: MetricTypeParams = {
    measure: null,
    numerator: null,
    denominator: null,
    expr: null,
    metrics: null,
    window: null,
    grainToDate: null,
    periodAgg: null,
    baseMeasure: null,
    conversionMeasure: null,
    entity: null,
    calculation: null,
    constantProperties: null,
  };
  const p = def.params;
  switch (p.type) {
    case 'simple':
      return { ...empty, measure: measureInput(p.measure) };
    case 'ratio':
      return { ...empty, numerator: metricInput(p.numerator), denominator: metricInput(p.denominator) };
    case 'derived':
      return { ...empty, expr: p.expr, metrics: p.metrics.map(metricInput) };
    case 'cumulative':
      return {
        ...empty,
        measure: measureInput(p.measure),
        window: p.window ? `${p.window.count} ${p.window.granularity}` : null,
        grainToDate: p.grainToDate,
        periodAgg: p.periodAgg,
      };
    case 'conversion':
      return {
        ...empty,
        baseMeasure: measureInput(p.baseMeasure),
        conversionMeasure: measureInput(p.conversionMeasure),
        entity: p.entity,
        calculation: p.calculation,
        window: p.window ? `${p.window.count} ${p.window.granularity}` : null,
        constantProperties: p.constantProperties.map((c) => ({ ...c })),
      };
  }
}

export function toDimension(item: CatalogDimension): Dimension {
  return {
    name: item.name,
    element: item.element,
    entityPath: [...item.entityPath],
    type: item.kind as DimensionKind,
    granularity: item.granularity as TimeGrain | null,
    queryableGranularities: item.queryableGranularities as TimeGrain[],
    dateParts: item.dateParts as DatePart[],
    model: item.model,
    description: item.description,
    label: item.label,
  };
}
