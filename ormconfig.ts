/**
 * DataSource for the TypeORM CLI (e.g. `npx typeorm migration:show -d dist/ormconfig.js`).
 * The server and `northstar migrate` build the same DataSource from DATABASE_URL.
 */
import { createMetadataDataSource } from './src/metadata/dataSource';

const url = process.env['DATABASE_URL'];
if (!url) throw new Error('DATABASE_URL must be set to use the TypeORM CLI');

export default createMetadataDataSource(url);
