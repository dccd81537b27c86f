import { randomUUID } from 'node:crypto';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DefinitionsError } from '../definitions';
import { UserError } from '../errors';

/** UserError -> GraphQL error with the stable code and details in `extensions`. */
export function toGraphQLError(error: UserError): GraphQLError {
  return new GraphQLError(error.message, {
    extensions: {
      code: error.code,
      ...(error instanceof DefinitionsError ? { issues: error.issues } : { details: error.details }),
    },
  });
}

/**
 * Apollo's formatError: user errors and GraphQL's own (parse, validation, bad input) pass
 * through; anything else is a bug, logged with an id and shown only as INTERNAL with that id.
 */
export function maskErrors(log: (id: string, error: unknown) => void) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof UserError) {
      const converted = toGraphQLError(original);
      return { ...formatted, message: converted.message, extensions: converted.extensions };
    }
    const code = formatted.extensions?.['code'];
    const deliberate = original instanceof GraphQLError && !(original.originalError && !(original.originalError instanceof GraphQLError));
    if (deliberate && code !== 'INTERNAL_SERVER_ERROR') return formatted;
    const id = randomUUID();
    log(id, original);
    return {
      message: `Internal error (id ${id}); the server log has the details`,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL', errorId: id },
    };
  };
}
