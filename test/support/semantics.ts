import type { MetricRequest } from '../../src/planner';
import { ALL_PASSES } from '../../src/planner';
import { expectSameRows } from './compare';
import { loadMarketplace, type Marketplace } from './marketplace';

/**
 * One marketplace database per test file, and `check(request, handSql)`: the request runs
 * both as the naive plan and fully optimized, and both must equal the hand-written SQL.
 */
export function marketplaceSuite(): {
  get: () => Marketplace;
  check: (request: MetricRequest, handSql: string, params?: unknown[], options?: { ordered?: boolean; tolerance?: number }) => Promise<void>;
} {
  let m: Marketplace | undefined;
  beforeAll(async () => {
    m = await loadMarketplace();
  });
  afterAll(async () => {
    await m?.close();
  });
  const get = () => {
    if (!m) throw new Error('marketplace not loaded');
    return m;
  };
  return {
    get,
    async check(request, handSql, params = [], options = {}) {
      const expected = await get().sql(handSql, params);
      expectSameRows(await get().query(request, { passes: ALL_PASSES }), expected, options);
      expectSameRows(await get().query(request, { passes: [] }), expected, options);
    },
  };
}
