import 'reflect-metadata';
import { buildSchemaSync } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import { DefinitionsResolver } from './DefinitionsResolver';
import { QueryResolver } from './QueryResolver';

let schema: GraphQLSchema | null = null;

/** The GraphQL schema (built once per process). */
export function graphqlSchema(): GraphQLSchema {
  schema ??= buildSchemaSync({ resolvers: [DefinitionsResolver, QueryResolver], validate: false });
  return schema;
}
