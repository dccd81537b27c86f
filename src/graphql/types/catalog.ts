import { GraphQLJSON } from 'graphql-scalars';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { MetricDef, SemanticGraph, SemanticModelDef } from '../../definitions';
import { HistoryEntry } from './definitions';

export enum TimeGrain {
  NANOSECOND = 'nanosecond',
  MICROSECOND = 'microsecond',
  MILLISECOND = 'millisecond',
  SECOND = 'second',
  MINUTE = 'minute',
  HOUR = 'hour',
  DAY = 'day',
  WEEK = 'week',
  MONTH = 'month',
  QUARTER = 'quarter',
  YEAR = 'year',
}
registerEnumType(TimeGrain, { name: 'TimeGrain', description: 'Time granularities, finest to coarsest' });

export enum DatePart {
  YEAR = 'year',
  QUARTER = 'quarter',
  MONTH = 'month',
  WEEK = 'week',
  DAY = 'day',
  DOW = 'dow',
  DOY = 'doy',
}
registerEnumType(DatePart, { name: 'DatePart', description: 'Parts of a date a time item can be grouped by (dow is ISO: 1 = Monday)' });

export enum MetricType {
  SIMPLE = 'simple',
  RATIO = 'ratio',
  DERIVED = 'derived',
  CUMULATIVE = 'cumulative',
  CONVERSION = 'conversion',
}
registerEnumType(MetricType, { name: 'MetricType' });

export enum DimensionKind {
  CATEGORICAL = 'categorical',
  TIME = 'time',
  ENTITY = 'entity',
}
registerEnumType(DimensionKind, { name: 'DimensionKind', description: 'What a group-by item is: a categorical or time dimension, or an entity key' });

@ObjectType({ description: 'A group-by item: a dimension or entity as a metric reaches it' })
export class Dimension {
  @Field({ description: "The name to group by, e.g. 'listing__country' or 'metric_time'" }) name!: string;
  @Field({ description: 'The dimension or entity name in its semantic model' }) element!: string;
  @Field(() => [String], { description: 'Entities joined through to reach it' }) entityPath!: string[];
  @Field(() => DimensionKind) type!: DimensionKind;
  @Field(() => TimeGrain, { nullable: true, description: 'Granularity the time is recorded at' }) granularity!: TimeGrain | null;
  @Field(() => [TimeGrain], { description: 'Grains it can be grouped by' }) queryableGranularities!: TimeGrain[];
  @Field(() => [DatePart]) dateParts!: DatePart[];
  @Field({ description: 'Semantic model it belongs to' }) model!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => String, { nullable: true }) label!: string | null;
}

@ObjectType()
export class Entity {
  @Field() name!: string;
  @Field({ description: 'primary, unique, foreign or natural' }) type!: string;
  @Field() expr!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
}

@ObjectType()
export class Measure {
  @Field() name!: string;
  @Field({ description: 'sum, count, count_distinct, average, min, max, median, percentile or sum_boolean' }) agg!: string;
  @Field() expr!: string;
  @Field() model!: string;
  @Field(() => String, { nullable: true }) aggTimeDimension!: string | null;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => Boolean, { description: 'Semi-additive (has a non_additive_dimension)' }) semiAdditive!: boolean;
}

@ObjectType({ description: 'A table described by the semantic layer' })
export class SemanticModel {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => String, { nullable: true }) label!: string | null;
  @Field(() => String, { nullable: true }) schema!: string | null;
  @Field() table!: string;
  @Field(() => String, { nullable: true }) primaryEntity!: string | null;
  @Field(() => [Entity]) entities!: Entity[];
  @Field(() => [Dimension], { description: 'Its own dimensions, named through its primary entity' }) dimensions!: Dimension[];
  @Field(() => [Measure]) measures!: Measure[];
}

@ObjectType({ description: 'An input of a ratio or derived metric' })
export class MetricInputParams {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) alias!: string | null;
  @Field(() => [String]) filter!: string[];
  @Field(() => String, { nullable: true, description: "e.g. '1 month'" }) offsetWindow!: string | null;
  @Field(() => String, { nullable: true }) offsetToGrain!: string | null;
}

@ObjectType({ description: 'The measure a simple, cumulative or conversion metric aggregates' })
export class MeasureInputParams {
  @Field() name!: string;
  @Field(() => [String]) filter!: string[];
  @Field() joinToTimespine!: boolean;
  @Field(() => Int, { nullable: true }) fillNullsWith!: number | null;
}

@ObjectType({ description: 'Type parameters of a metric; only the fields of its type are set' })
export class MetricTypeParams {
  @Field(() => MeasureInputParams, { nullable: true, description: 'simple and cumulative' }) measure!: MeasureInputParams | null;
  @Field(() => MetricInputParams, { nullable: true, description: 'ratio' }) numerator!: MetricInputParams | null;
  @Field(() => MetricInputParams, { nullable: true, description: 'ratio' }) denominator!: MetricInputParams | null;
  @Field(() => String, { nullable: true, description: 'derived' }) expr!: string | null;
  @Field(() => [MetricInputParams], { nullable: true, description: 'derived' }) metrics!: MetricInputParams[] | null;
  @Field(() => String, { nullable: true, description: "cumulative, conversion: e.g. '7 days'" }) window!: string | null;
  @Field(() => String, { nullable: true, description: 'cumulative' }) grainToDate!: string | null;
  @Field(() => String, { nullable: true, description: 'cumulative: first, last or average' }) periodAgg!: string | null;
  @Field(() => MeasureInputParams, { nullable: true, description: 'conversion' }) baseMeasure!: MeasureInputParams | null;
  @Field(() => MeasureInputParams, { nullable: true, description: 'conversion' }) conversionMeasure!: MeasureInputParams | null;
  @Field(() => String, { nullable: true, description: 'conversion' }) entity!: string | null;
  @Field(() => String, { nullable: true, description: 'conversion: conversion_rate or conversions' }) calculation!: string | null;
  @Field(() => GraphQLJSON, { nullable: true, description: 'conversion: [{ baseProperty, conversionProperty }]' }) constantProperties!: unknown;
}

/** Internal handle a Metric object carries for its field resolvers. */
export interface MetricSource {
  readonly def: MetricDef;
  readonly version: number;
  readonly graph: SemanticGraph;
}

@ObjectType({ description: 'A governed metric definition' })
export class Metric {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) label!: string | null;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => MetricType) type!: MetricType;
  @Field(() => [String], { description: 'Filters applied to the metric, in dbt syntax' }) filter!: string[];
  @Field(() => MetricTypeParams) typeParams!: MetricTypeParams;
  @Field(() => String, { nullable: true }) owner!: string | null;
  @Field(() => String, { nullable: true }) layer!: string | null;
  @Field(() => String, { nullable: true }) tier!: string | null;
  @Field(() => String, { nullable: true }) unit!: string | null;
  @Field(() => String, { nullable: true, description: 'Name of the parent metric (config.meta.parent_metric)' }) parentMetric!: string | null;
  @Field(() => GraphQLJSON, { description: 'Other config.meta entries' }) meta!: unknown;
  @Field(() => Int, { description: 'The version this description was read from' }) version!: number;
  /** Not a field: what the field resolvers work from. */
  source!: MetricSource;
}

@ObjectType({ description: 'One value of a metric: at a time (when grouped by time) and for the group-by values' })
export class MetricPoint {
  @Field(() => String, { nullable: true, description: 'The period start (ISO date or timestamp) when a grain was asked for' }) time!: string | null;
  @Field(() => Number, { nullable: true, description: 'The value as a float' }) value!: number | null;
  @Field(() => String, { nullable: true, description: 'The value exactly, as a decimal string' }) decimal!: string | null;
  @Field(() => GraphQLJSON, { description: 'The group-by values, keyed by item name' }) dimensions!: Record<string, unknown>;
}

@InputType({ description: 'Narrows the metric list; every given field must match' })
export class MetricFilterInput {
  @Field(() => String, { nullable: true, description: 'Case-insensitive text in the name, label or description' }) search?: string | null;
  @Field(() => String, { nullable: true }) owner?: string | null;
  @Field(() => String, { nullable: true }) layer?: string | null;
  @Field(() => String, { nullable: true }) tier?: string | null;
  @Field(() => MetricType, { nullable: true }) type?: MetricType | null;
}

@ObjectType()
export class SavedQuery {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => String, { nullable: true }) label!: string | null;
  @Field(() => [String]) metrics!: string[];
  @Field(() => [String]) groupBy!: string[];
  @Field(() => [String]) where!: string[];
  @Field(() => [String]) orderBy!: string[];
  @Field(() => Int, { nullable: true }) limit!: number | null;
}

export function toSemanticModelFields(model: SemanticModelDef) {
  return {
    name: model.name,
    description: model.description,
    label: model.label,
    schema: model.relation.schema,
    table: model.relation.alias,
    primaryEntity: model.primaryEntity,
    entities: model.entities.map((e) => ({ name: e.name, type: e.type, expr: e.expr, description: e.description })),
    measures: model.measures.map((m) => ({
      name: m.name,
      agg: m.agg,
      expr: m.expr,
      model: model.name,
      aggTimeDimension: m.aggTimeDimension,
      description: m.description,
      semiAdditive: m.nonAdditiveDimension !== null,
    })),
  };
}

export { HistoryEntry };
