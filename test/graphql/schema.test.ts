import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printSchemaText } from '../../src/graphql/printSchema';

const FILE = join(__dirname, '..', '..', 'schema', 'schema.graphql');

describe('schema/schema.graphql', () => {
  it('is the printed SDL of the running schema (rewrite with UPDATE_SNAPSHOTS=1)', () => {
    const printed = printSchemaText();
    if (process.env['UPDATE_SNAPSHOTS'] === '1' && !process.env['CI']) writeFileSync(FILE, printed);
    expect(readFileSync(FILE, 'utf8')).toBe(printed);
  });
});
