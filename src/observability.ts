import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Services } from './graphql/context';

/** Prometheus metrics of one server (own registry, so tests can run several servers). */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'northstar_graphql_requests_total',
    help: 'GraphQL operations by name and outcome',
    labelNames: ['operation', 'outcome'],
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'northstar_graphql_request_duration_seconds',
    help: 'GraphQL operation latency',
    labelNames: ['operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly statements = new Histogram({
    name: 'northstar_sql_statement_duration_seconds',
    help: 'Metric SQL statements run on the warehouse',
    labelNames: ['outcome'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [this.registry],
  });
  readonly cache = new Counter({ name: 'northstar_result_cache_total', help: 'Result cache lookups', labelNames: ['result'], registers: [this.registry] });

  constructor(services: Services) {
    collectDefaultMetrics({ register: this.registry, prefix: 'northstar_' });
    services.warehouse.onStatement((ms, outcome) => this.statements.observe({ outcome }, ms / 1000));
    services.queries.onAnswer((hit) => this.cache.inc({ result: hit ? 'hit' : 'miss' }));
    const pool = services.warehouse.pool;
    new Gauge({
      name: 'northstar_warehouse_pool_connections',
      help: 'Warehouse pool connections by state',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
    new Gauge({
      name: 'northstar_definitions_version',
      help: 'The definitions version being served',
      registers: [this.registry],
      collect() {
        this.set(services.registry.currentVersion ?? 0);
      },
    });
  }

  /** Counts and times every operation; logs one line per request with its id. */
  plugin(logger: Logger): ApolloServerPlugin<{ requestId: string }> {
    const { requests, latency } = this;
    return {
      async requestDidStart({ request, contextValue }) {
        const started = process.hrtime.bigint();
        return {
          async willSendResponse({ response, errors, operationName }) {
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            const name = operationName ?? request.operationName ?? 'anonymous';
            const codes = (errors ?? []).map((e) => String(e.extensions?.['code'] ?? 'INTERNAL'));
            const outcome = codes[0] ?? 'ok';
            requests.inc({ operation: name, outcome });
            latency.observe({ operation: name }, seconds);
            logger.info(
              { requestId: contextValue.requestId, operation: name, durationMs: Math.round(seconds * 1000), outcome, errors: codes.length || undefined },
              'graphql request',
            );
            void response;
          },
        };
      },
    };
  }
}
