import { lexicographicSortSchema, printSchema } from 'graphql';
import { graphqlSchema } from './schema';

/** The SDL as committed in schema/schema.graphql: sorted, so it diffs cleanly. */
export function printSchemaText(): string {
  return `${printSchema(lexicographicSortSchema(graphqlSchema()))}\n`;
}
