import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import supertest from 'supertest';
import { readConfig, type Config } from '../../src/config';
import { readDefinitionFiles } from '../../src/definitions';
import { startServer, type RunningServer } from '../../src/server';
import { createTestDatabase, type TestDatabase } from './database';
import { MARKETPLACE_DIR } from './marketplace';

export interface TestServer {
  readonly db: TestDatabase;
  readonly server: RunningServer;
  readonly config: Config;
  /** POST /graphql with a JSON body; returns the supertest response. */
  gql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<supertest.Response>;
  readonly http: ReturnType<typeof supertest>;
  close(): Promise<void>;
}

/** The real server on a random port, on a database of its own with the marketplace data loaded. */
export async function startTestServer(env: Record<string, string> = {}, options: { publish?: boolean } = {}): Promise<TestServer> {
  const db = await createTestDatabase();
  const client = new Client({ connectionString: db.url });
  await client.connect();
  await client.query(readFileSync(join(MARKETPLACE_DIR, 'data.sql'), 'utf8'));
  await client.end();
  const config = readConfig({ DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env });
  const server = await startServer(config);
  const http = supertest(server.httpServer);
  const gql = (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    http.post('/graphql').set(headers).send({ query, variables });
  if (options.publish !== false) {
    const files = await readDefinitionFiles(join(MARKETPLACE_DIR, 'models'));
    const res = await server.services.store.publish({ files, author: 'test', message: 'marketplace' });
    await server.services.registry.refresh();
    if (!res.created) throw new Error('expected a new version');
  }
  return {
    db,
    server,
    config,
    gql,
    http,
    async close() {
      await server.stop();
      await db.drop();
    },
  };
}
