import { GraphQLJSON } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';
import { HistoryEntry } from './definitions';

@ObjectType({ description: 'A governed metric definition' })
export class Metric {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) label!: string | null;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field({ description: 'simple, ratio, derived, cumulative or conversion' }) type!: string;
  @Field(() => [String], { description: 'Filters applied to the metric, in dbt syntax' }) filter!: string[];
  @Field(() => GraphQLJSON, { description: 'The type parameters as normalized' }) typeParams!: unknown;
  @Field(() => String, { nullable: true }) owner!: string | null;
  @Field(() => String, { nullable: true }) layer!: string | null;
  @Field(() => String, { nullable: true }) tier!: string | null;
  @Field(() => String, { nullable: true }) unit!: string | null;
  @Field(() => String, { nullable: true }) parentMetric!: string | null;
  @Field(() => Int, { description: 'The version this description was read from' }) version!: number;
  @Field(() => Int, { nullable: true, description: 'The last version at or before this one that changed the metric' })
  lastChangedIn!: number | null;
  @Field(() => [HistoryEntry], { description: 'Every version that added, changed or removed the metric, newest first' })
  history!: HistoryEntry[];
}
