import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printSchemaText } from '../src/graphql/printSchema';

/** Writes schema/schema.graphql (`npm run schema:print`). */
const target = join(__dirname, '..', '..', 'schema', 'schema.graphql');
writeFileSync(target, printSchemaText());
console.log(`wrote ${target}`);
