import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import pino, { type Logger } from 'pino';
import { AuditLog } from './audit/AuditLog';
import type { Config } from './config';
import { isUserError } from './errors';
import { QueryService } from './execution/QueryService';
import { ResultCache } from './execution/ResultCache';
import { Warehouse } from './execution/warehouse';
import type { Context, Services } from './graphql/context';
import { maskErrors, toGraphQLError } from './graphql/errors';
import { graphiqlAssets, graphiqlPage } from './graphql/graphiql';
import { metricHistoryLoader, metricValuesLoader } from './graphql/loaders';
import { costLimit, depthLimit } from './graphql/limits';
import { graphqlSchema } from './graphql/schema';
import { ServerMetrics } from './observability';
import { createMetadataDataSource, migrate } from './metadata/dataSource';
import { DefinitionRegistry } from './metadata/DefinitionRegistry';
import { DefinitionStore } from './metadata/DefinitionStore';
import { Authenticator } from './security/authenticate';
import type { Principal } from './security/principal';

export interface RunningServer {
  readonly url: string;
  readonly httpServer: http.Server;
  readonly services: Services;
  readonly devMode: boolean;
  /** Graceful: stop accepting, let in-flight requests finish, close pools. */
  stop(): Promise<void>;
}

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'northstar' } });
}

/** Connects the metadata store (migrating it) and the warehouse, and loads the current definitions. */
export async function createServices(config: Config, logger: Logger): Promise<Services> {
  const metadata = createMetadataDataSource(config.databaseUrl);
  await metadata.initialize();
  const applied = await migrate(metadata);
  if (applied.length) logger.info({ migrations: applied }, 'applied migrations');
  const store = new DefinitionStore(metadata);
  const registry = new DefinitionRegistry(store);
  await registry.load();
  await registry.listen(config.databaseUrl).catch((error) => logger.warn({ err: error }, 'cannot LISTEN for new definitions; publishes from other servers need a restart'));
  const warehouse = new Warehouse(config.warehouseUrl, { max: config.warehousePoolSize });
  const audit = new AuditLog(metadata);
  const queries = new QueryService(registry, warehouse, new ResultCache(), audit, {
    defaultSchema: config.defaultSchema,
    statementTimeoutMs: config.statementTimeoutMs,
    maxResultRows: config.maxResultRows,
  });
  return { metadata, store, registry, warehouse, queries, audit };
}

export async function closeServices(services: Services): Promise<void> {
  await services.audit.flush();
  await services.registry.close();
  await services.warehouse.close();
  await services.metadata.destroy();
}

/** Wires HTTP: health, GraphiQL, and GraphQL with authentication, limits and error masking. */
export async function startServer(config: Config, options: { logger?: Logger; services?: Services } = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const services = options.services ?? (await createServices(config, logger));
  const authenticator = new Authenticator({ jwtSecret: config.jwtSecret, jwksUrl: config.jwksUrl }, services.metadata);
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const schema = graphqlSchema();
  const metrics = new ServerMetrics(services);
  const apollo = new ApolloServer<Context>({
    schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
    formatError: maskErrors((id, error) => logger.error({ errorId: id, err: error }, 'unexpected error')),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGraceMs }),
      ApolloServerPluginLandingPageDisabled(),
      depthLimit(config.maxDepth),
      costLimit(schema, config.maxCost),
      metrics.plugin(logger),
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await Promise.all([services.metadata.query('SELECT 1'), services.warehouse.ping()]);
      res.json({ status: 'ready', definitionVersion: services.registry.currentVersion });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/graphiql/assets/:file', graphiqlAssets);
  app.get('/graphql', (req, res, next) => {
    if (req.accepts(['json', 'html']) === 'html' && req.query['query'] === undefined) res.type('html').send(graphiqlPage());
    else next();
  });

  const authenticate: RequestHandler = async (req, res, next) => {
    try {
      const apiKey = req.header('x-api-key');
      const authorization = req.header('authorization');
      res.locals['principal'] = await authenticator.authenticate({ ...(apiKey ? { apiKey } : {}), ...(authorization ? { authorization } : {}) });
      next();
    } catch (error) {
      if (!isUserError(error)) return next(error);
      const graphqlError = toGraphQLError(error);
      res.status(401).json({ errors: [{ message: graphqlError.message, extensions: { code: error.code } }] });
    }
  };

  app.use(
    '/graphql',
    express.json({ limit: config.maxBodyBytes }),
    authenticate,
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<Context> => {
        const controller = new AbortController();
        res.on('close', () => {
          if (!res.writableFinished) controller.abort();
        });
        let definitions: ReturnType<Context['definitions']> | null = null;
        const principal = res.locals['principal'] as Principal;
        const requestId = req.header('x-request-id') ?? randomUUID();
        const context: Context = {
          services,
          principal,
          requestId,
          signal: controller.signal,
          definitions() {
            definitions ??= services.registry.current();
            return definitions;
          },
          metricHistory: metricHistoryLoader(services.store),
          metricValues: metricValuesLoader(services.queries, () => ({
            principal,
            requestId,
            signal: controller.signal,
            version: context.definitions().version,
          })),
        };
        return context;
      },
    }),
  );
  const bodyErrors: ErrorRequestHandler = (error, _req, res, next) => {
    if (error?.type === 'entity.too.large')
      return void res.status(413).json({ errors: [{ message: 'the request body is too large', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    if (error?.type === 'entity.parse.failed')
      return void res.status(400).json({ errors: [{ message: 'the request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
    const id = randomUUID();
    logger.error({ errorId: id, err: error }, 'unexpected error');
    if (res.headersSent) return next(error);
    res.status(500).json({ errors: [{ message: `Internal error (id ${id})`, extensions: { code: 'INTERNAL', errorId: id } }] });
  };
  app.use(bodyErrors);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const address = httpServer.address() as AddressInfo;
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? 'localhost' : host}:${address.port}/graphql`;
  let stopping: Promise<void> | null = null;
  return {
    url,
    httpServer,
    services,
    devMode: authenticator.devMode,
    stop() {
      stopping ??= (async () => {
        await apollo.stop();
        if (!options.services) await closeServices(services);
      })();
      return stopping;
    },
  };
}
