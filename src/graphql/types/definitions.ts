import { GraphQLDateTime, GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { Field, InputType, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Counts of a version and of its changes against its parent' })
export class VersionSummary {
  @Field(() => Int) semanticModels!: number;
  @Field(() => Int) metrics!: number;
  @Field(() => Int) savedQueries!: number;
  @Field(() => Int) added!: number;
  @Field(() => Int) removed!: number;
  @Field(() => Int) changed!: number;
}

@ObjectType({ description: 'One published, immutable version of the whole definition set' })
export class DefinitionVersion {
  @Field(() => Int, { description: 'Sequence number, starting at 1' }) number!: number;
  @Field({ description: 'sha256 of the normalized definitions' }) hash!: string;
  @Field(() => Int, { nullable: true }) parentNumber!: number | null;
  @Field() author!: string;
  @Field() message!: string;
  @Field(() => GraphQLDateTime) createdAt!: Date;
  @Field(() => VersionSummary) summary!: VersionSummary;
}

@ObjectType({ description: 'A field that changed: path into the normalized definition, before and after' })
export class FieldChange {
  @Field({ description: "e.g. 'measures[revenue].expr' or 'params.measure.filters'" }) path!: string;
  @Field(() => GraphQLJSON, { nullable: true }) before!: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) after!: unknown;
}

@ObjectType({ description: 'An object added, removed or changed between two versions' })
export class ObjectChange {
  @Field({ description: 'semantic_model, metric, saved_query, time_spine or access_policy' }) kind!: string;
  @Field() name!: string;
  @Field({ description: 'added, removed or changed' }) changeType!: string;
  @Field(() => [FieldChange]) fields!: FieldChange[];
}

@ObjectType()
export class VersionDiff {
  @Field(() => Int) from!: number;
  @Field(() => Int) to!: number;
  @Field(() => [ObjectChange]) changes!: ObjectChange[];
}

@ObjectType({ description: 'A problem in the definition files, with its position' })
export class DefinitionProblem {
  @Field({ description: 'Stable code, e.g. UNKNOWN_REFERENCE, YAML_SYNTAX, CYCLE' }) code!: string;
  @Field() file!: string;
  @Field(() => Int) line!: number;
  @Field(() => Int) column!: number;
  @Field() message!: string;
}

@ObjectType()
export class ValidationResult {
  @Field() valid!: boolean;
  @Field(() => [DefinitionProblem]) errors!: DefinitionProblem[];
  @Field(() => Int) semanticModels!: number;
  @Field(() => Int) metrics!: number;
  @Field(() => Int) savedQueries!: number;
  @Field(() => [ObjectChange], { description: 'What publishing these files would change against the current version' })
  changes!: ObjectChange[];
}

@ObjectType()
export class PublishResult {
  @Field(() => DefinitionVersion) version!: DefinitionVersion;
  @Field({ description: 'False when the content equals the current version: nothing was stored' }) created!: boolean;
  @Field(() => [ObjectChange]) changes!: ObjectChange[];
}

@ObjectType({ description: "A version in which a metric (or model) changed" })
export class HistoryEntry {
  @Field(() => Int) version!: number;
  @Field() changeType!: string;
  @Field(() => [FieldChange]) fields!: FieldChange[];
  @Field() author!: string;
  @Field() message!: string;
  @Field(() => GraphQLDateTime) createdAt!: Date;
}

@InputType()
export class SourceFileInput {
  @Field({ description: "Path of the file inside the project, e.g. 'models/bookings.yml'" }) path!: string;
  @Field() content!: string;
}

@InputType()
export class PublishInput {
  @Field(() => [SourceFileInput]) files!: SourceFileInput[];
  @Field(() => GraphQLJSONObject, { nullable: true, description: "Values for $name and {{ var('name') }}" }) vars?: Record<string, unknown> | null;
  @Field(() => String, { nullable: true }) message?: string | null;
  @Field(() => Int, { nullable: true, description: 'Refuse (VERSION_CONFLICT) unless the current version is this one' })
  expectedParentVersion?: number | null;
}

@InputType()
export class ValidateInput {
  @Field(() => [SourceFileInput]) files!: SourceFileInput[];
  @Field(() => GraphQLJSONObject, { nullable: true }) vars?: Record<string, unknown> | null;
}
