import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** A database of its own for one test file, on the run's PostgreSQL. */
export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

export function adminUrl(): string {
  const url = process.env['NORTHSTAR_TEST_ADMIN_URL'];
  if (!url) throw new Error('NORTHSTAR_TEST_ADMIN_URL is not set: run the tests through jest (globalSetup starts PostgreSQL)');
  return url;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `northstar_t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new Client({ connectionString: adminUrl() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
