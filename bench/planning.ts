import type { SemanticGraph } from '../src/definitions';
import { planQuery, type MetricRequest } from '../src/planner';
import { percentile } from './stats';

/**
 * ~50 requests over a graph, deterministic: metrics of every type, alone and in pairs, by
 * metric_time at several grains and by a dimension reachable from the first metric's model.
 */
export function planningRequests(graph: SemanticGraph, count = 50): MetricRequest[] {
  const metrics = [...graph.metrics.values()].filter((m) => m.type !== 'conversion' || count > 0);
  const step = Math.max(1, Math.floor(metrics.length / count));
  const requests: MetricRequest[] = [];
  const grains = ['day', 'week', 'month', 'quarter'];
  for (let i = 0; requests.length < count && i < metrics.length * 2; i += step) {
    const metric = metrics[i % metrics.length]!;
    const source = graph.measuresOf(metric.name)[0]?.model;
    const dimension = source
      ? graph.reachableElements(source, 1).find((e) => e.dimension?.type === 'categorical' && e.path.length > 0)
      : undefined;
    const groupBy = [`metric_time__${grains[requests.length % grains.length]}`];
    if (dimension && requests.length % 2 === 0) groupBy.push([...dimension.path, dimension.element].join('__'));
    const partner = metrics[(i + 7) % metrics.length]!;
    const names = requests.length % 3 === 0 && partner.name !== metric.name ? [metric.name, partner.name] : [metric.name];
    // A pair whose second metric cannot reach the dimension falls back to the first alone.
    for (const candidate of [names, [metric.name]]) {
      const request: MetricRequest = { metrics: candidate, groupBy, limit: 100 };
      try {
        planQuery(graph, request);
        requests.push(request);
        break;
      } catch {
        continue;
      }
    }
  }
  return requests;
}

/** Planning + rendering time per request (ms), after a warm-up. */
export function benchPlanning(graph: SemanticGraph, requests: MetricRequest[], rounds = 40): { p50: number; p99: number; samples: number } {
  for (const r of requests) planQuery(graph, r);
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const r of requests) {
      const start = process.hrtime.bigint();
      planQuery(graph, r);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), samples: times.length };
}
