import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { ApiKeyRow } from './entities/ApiKey';
import { AuditEventRow } from './entities/AuditEvent';
import { DefinitionChangeRow } from './entities/DefinitionChange';
import { DefinitionVersionRow } from './entities/DefinitionVersion';

export const METADATA_ENTITIES = [DefinitionVersionRow, DefinitionChangeRow, AuditEventRow, ApiKeyRow];

/** The metadata store's connection: its own small pool, migrations as classes (no globs). */
export function createMetadataDataSource(url: string, options: { poolSize?: number } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    applicationName: 'northstar-metadata',
    poolSize: options.poolSize ?? 5,
    entities: METADATA_ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'northstar_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error'],
    logger: 'debug',
  });
}

/** Applies pending migrations; returns the names of those that ran. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const ran = await dataSource.runMigrations({ transaction: 'each' });
  return ran.map((m) => m.name);
}
