import { GraphQLJSON } from 'graphql-scalars';
import { Field, InputType, Int, ObjectType } from 'type-graphql';

@InputType({ description: 'A group-by item as an object: the same as the name form metric_time__month' })
export class GroupByItemInput {
  @Field({ description: "Item name, e.g. 'metric_time' or 'listing__country'" }) name!: string;
  @Field(() => String, { nullable: true, description: 'Time grain: day, week, month, quarter, year, hour, ...' }) grain?: string | null;
  @Field(() => String, { nullable: true, description: 'Date part: year, quarter, month, day, dow, doy' }) datePart?: string | null;
}

@InputType({ description: 'Inclusive range of days (or timestamps) on metric_time' })
export class TimeConstraintInput {
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) start?: string | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD (inclusive)' }) end?: string | null;
}

@InputType()
export class QueryInput {
  @Field(() => [String], { description: 'Metric names; empty for the distinct values of the group-by items' }) metrics!: string[];
  @Field(() => [String], { nullable: true, description: "e.g. ['metric_time__month', 'listing__country']" }) groupBy?: string[] | null;
  @Field(() => [GroupByItemInput], { nullable: true }) groupByItems?: GroupByItemInput[] | null;
  @Field(() => [String], { nullable: true, description: "Filters in dbt syntax, ANDed: \"{{ Dimension('listing__country') }} = 'us'\"" })
  where?: string[] | null;
  @Field(() => TimeConstraintInput, { nullable: true }) timeConstraint?: TimeConstraintInput | null;
  @Field(() => [String], { nullable: true, description: "Output columns; prefix '-' for descending" }) orderBy?: string[] | null;
  @Field(() => Int, { nullable: true }) limit?: number | null;
}

@ObjectType()
export class ResultColumn {
  @Field() name!: string;
  @Field({ description: 'DATE, TIMESTAMP, STRING, INTEGER, NUMBER, BOOLEAN, JSON or UNKNOWN' }) type!: string;
}

@ObjectType()
export class QueryResult {
  @Field(() => [ResultColumn]) columns!: ResultColumn[];
  @Field(() => GraphQLJSON, { description: 'Array of objects keyed by column name' }) rows!: unknown;
  @Field(() => String, { nullable: true, description: 'The statement that ran (for roles allowed to see SQL)' }) sql!: string | null;
  @Field() cacheHit!: boolean;
  @Field(() => Int) definitionVersion!: number;
}

@ObjectType()
export class ExplainResult {
  @Field(() => [String], { description: 'Output column names' }) columns!: string[];
  @Field({ description: 'The logical plan as a readable tree' }) plan!: string;
  @Field(() => String, { nullable: true }) sql!: string | null;
  @Field(() => GraphQLJSON, { nullable: true, description: 'Values bound to $1, $2, ...' }) parameters!: unknown;
  @Field(() => Int) definitionVersion!: number;
}
