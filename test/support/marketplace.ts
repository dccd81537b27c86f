import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadDefinitions, readDefinitionFiles, SemanticGraph } from '../../src/definitions';
import { Warehouse } from '../../src/execution/warehouse';
import { planQuery, type MetricRequest, type PlanOptions } from '../../src/planner';
import { createTestDatabase, type TestDatabase } from './database';

export const MARKETPLACE_DIR = join(__dirname, '..', 'fixtures', 'marketplace');

export interface Marketplace {
  readonly db: TestDatabase;
  readonly graph: SemanticGraph;
  readonly warehouse: Warehouse;
  /** Runs hand-written SQL (the independent expectation). */
  sql(text: string, values?: unknown[]): Promise<Array<Record<string, unknown>>>;
  /** Plans and runs a metric request. */
  query(request: MetricRequest, options?: PlanOptions): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

/** The marketplace fixture loaded into a database of its own. */
export async function loadMarketplace(): Promise<Marketplace> {
  const db = await createTestDatabase();
  const client = new Client({ connectionString: db.url });
  await client.connect();
  await client.query(readFileSync(join(MARKETPLACE_DIR, 'data.sql'), 'utf8'));
  const files = await readDefinitionFiles(join(MARKETPLACE_DIR, 'models'));
  const graph = new SemanticGraph(loadDefinitions(files));
  const warehouse = new Warehouse(db.url, { max: 4 });
  return {
    db,
    graph,
    warehouse,
    async sql(text, values = []) {
      const result = await warehouse.run({ text, values: values as never[] });
      return result.rows as Array<Record<string, unknown>>;
    },
    async query(request, options) {
      const planned = planQuery(graph, request, options);
      const result = await warehouse.run(planned.sql);
      return result.rows as Array<Record<string, unknown>>;
    },
    async close() {
      await client.end();
      await warehouse.close();
      await db.drop();
    },
  };
}
