import { LRUCache } from 'lru-cache';
import type { QueryResult } from './warehouse';

/**
 * Results by (definition version, SQL text, parameters), with a time to live, plus
 * single-flight: concurrent identical queries share one execution.
 */
export class ResultCache {
  private readonly cache: LRUCache<string, QueryResult>;
  private readonly inFlight = new Map<string, Promise<QueryResult>>();

  constructor(options: { maxEntries?: number; ttlMs?: number } = {}) {
    this.cache = new LRUCache({ max: options.maxEntries ?? 1000, ttl: options.ttlMs ?? 5 * 60_000 });
  }

  static key(version: number, text: string, values: readonly unknown[]): string {
    return JSON.stringify([version, text, values]);
  }

  /** The cached result, or the result of `run` (shared with concurrent callers of the same key). */
  async get(key: string, run: () => Promise<QueryResult>): Promise<{ result: QueryResult; hit: boolean }> {
    const cached = this.cache.get(key);
    if (cached) return { result: cached, hit: true };
    const pending = this.inFlight.get(key);
    if (pending) return { result: await pending, hit: true };
    const promise = run();
    this.inFlight.set(key, promise);
    try {
      const result = await promise;
      this.cache.set(key, result);
      return { result, hit: false };
    } finally {
      this.inFlight.delete(key);
    }
  }

  clear(): void {
    this.cache.clear();
  }
}
