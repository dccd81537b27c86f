import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type ASTNode, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

/** How deeply an operation nests fields (introspection fields do not count). */
export function depthOf(document: DocumentNode, operationName: string | null | undefined): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const visit = (node: ASTNode, depth: number, seen: Set<string>): number => {
    if (!('selectionSet' in node) || !node.selectionSet) return depth;
    let deepest = depth;
    for (const selection of node.selectionSet.selections) {
      if (selection.kind === Kind.FIELD)
        deepest = Math.max(deepest, visit(selection, selection.name.value.startsWith('__') ? depth : depth + 1, seen));
      else if (selection.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, visit(selection, depth, seen));
      else if (!seen.has(selection.name.value) && fragments.has(selection.name.value))
        deepest = Math.max(deepest, visit(fragments.get(selection.name.value)!, depth, new Set([...seen, selection.name.value])));
    }
    return deepest;
  };
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operations.find((o) => !operationName || o.name?.value === operationName) ?? operations[0];
  return operation ? visit(operation, 0, new Set()) : 0;
}

/** Refuses operations nested deeper than `max` fields, before anything runs. */
export function depthLimit(max: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const depth = depthOf(document, request.operationName);
          if (depth > max)
            throw new GraphQLError(`the operation is nested ${depth} levels deep; the limit is ${max}`, {
              extensions: { code: 'QUERY_TOO_DEEP', depth, maxDepth: max, http: { status: 400 } },
            });
        },
      };
    },
  };
}

/**
 * Refuses operations costing more than `max`: every field costs 1 unless it declares a
 * complexity (a metric's values cost 25: each is a warehouse query).
 */
export function costLimit(schema: GraphQLSchema, max: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const cost = getComplexity({
            schema,
            query: document,
            variables: request.variables ?? {},
            ...(request.operationName ? { operationName: request.operationName } : {}),
            estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
          });
          if (cost > max)
            throw new GraphQLError(`the operation costs ${cost}; the limit is ${max}. Ask for fewer metric values or fields per operation`, {
              extensions: { code: 'QUERY_TOO_COMPLEX', cost, maxCost: max, http: { status: 400 } },
            });
        },
      };
    },
  };
}
