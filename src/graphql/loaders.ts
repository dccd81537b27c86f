import DataLoader from 'dataloader';
import type { Answer, QueryContext, QueryService } from '../execution/QueryService';
import type { MetricHistoryEntry, DefinitionStore } from '../metadata/DefinitionStore';
import type { MetricRequest } from '../planner';

/** The change history of every metric an operation asks about, in one query. */
export function metricHistoryLoader(store: DefinitionStore): DataLoader<string, MetricHistoryEntry[]> {
  return new DataLoader(async (names) => {
    const byName = await store.historyOf('metric', names);
    return names.map((n) => byName.get(n) ?? []);
  });
}

/** One metric's values under a request shape (everything but the metric names). */
export interface ValuesKey {
  readonly metric: string;
  /** The definitions version the metric was read from. */
  readonly version: number;
  readonly request: Omit<MetricRequest, 'metrics'>;
}

export interface MetricValues {
  readonly answer: Answer;
  readonly column: string;
}

/**
 * Collects the `values` of every metric field in one GraphQL operation and answers those
 * that share a shape (group-by, filters, time constraint, order, limit) with one request,
 * hence one SQL statement, whatever models the metrics come from.
 */
export function metricValuesLoader(queries: QueryService, ctx: () => QueryContext): DataLoader<ValuesKey, MetricValues, string> {
  return new DataLoader<ValuesKey, MetricValues, string>(
    async (keys) => {
      const groups = new Map<string, ValuesKey[]>();
      for (const key of keys) {
        const shape = JSON.stringify([key.version, key.request]);
        groups.set(shape, [...(groups.get(shape) ?? []), key]);
      }
      const results = new Map<ValuesKey, MetricValues | Error>();
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const metrics = [...new Set(group.map((k) => k.metric))];
          try {
            const answer = await queries.answer({ ...group[0]!.request, metrics }, { ...ctx(), version: group[0]!.version });
            for (const key of group) results.set(key, { answer, column: key.metric });
          } catch (error) {
            if (metrics.length === 1) {
              for (const key of group) results.set(key, error as Error);
              return;
            }
            // One metric that cannot be answered must not fail the others: answer each alone.
            await Promise.all(
              group.map(async (key) => {
                try {
                  results.set(key, { answer: await queries.answer({ ...key.request, metrics: [key.metric] }, { ...ctx(), version: key.version }), column: key.metric });
                } catch (single) {
                  results.set(key, single as Error);
                }
              }),
            );
          }
        }),
      );
      return keys.map((k) => results.get(k)!);
    },
    { cacheKeyFn: (key) => JSON.stringify([key.metric, key.version, key.request]) },
  );
}
