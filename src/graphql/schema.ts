import 'reflect-metadata';
import { buildSchemaSync } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import { CatalogResolver } from './CatalogResolver';
import { DefinitionsResolver } from './DefinitionsResolver';
import { MetricResolver } from './MetricResolver';
import { QueryResolver } from './QueryResolver';

let schema: GraphQLSchema | null = null;

/** The GraphQL schema (built once per process). */
export function graphqlSchema(): GraphQLSchema {
  schema ??= buildSchemaSync({ resolvers: [DefinitionsResolver, QueryResolver, CatalogResolver, MetricResolver], validate: false });
  return schema;
}
