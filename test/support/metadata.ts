import type { DataSource } from 'typeorm';
import { createMetadataDataSource, migrate } from '../../src/metadata/dataSource';
import { createTestDatabase, type TestDatabase } from './database';

/** A migrated metadata store on a database of its own; call `close()` in afterAll. */
export async function createTestMetadataStore(): Promise<{ db: TestDatabase; dataSource: DataSource; close(): Promise<void> }> {
  const db = await createTestDatabase();
  const dataSource = createMetadataDataSource(db.url);
  await dataSource.initialize();
  await migrate(dataSource);
  return {
    db,
    dataSource,
    async close() {
      await dataSource.destroy();
      await db.drop();
    },
  };
}
