import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import { readDefinitionFiles } from '../../src/definitions';
import { MARKETPLACE_DIR } from '../support/marketplace';

const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'schema', 'definitions.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

function documents(text: string): unknown[] {
  return parseAllDocuments(text).flatMap((d) => (Array.isArray(d) ? [] : [d.toJS()]));
}

describe('schema/definitions.schema.json (for editors)', () => {
  it('accepts the marketplace and demo projects', async () => {
    for (const dir of [join(MARKETPLACE_DIR, 'models'), join(__dirname, '..', '..', 'demo', 'definitions')]) {
      for (const file of await readDefinitionFiles(dir)) {
        for (const doc of documents(file.content)) {
          const ok = validate(doc);
          if (!ok) throw new Error(`${file.path}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
        }
      }
    }
  });

  it.each([
    ['an unknown aggregation', 'semantic_models: [{ name: m1, measures: [{ name: x1, agg: avg }] }]'],
    ['a misspelt field', 'semantic_models: [{ name: m1, defualts: {} }]'],
    ['an invalid name', 'metrics: [{ name: Bad__Name, type: simple }]'],
    ['a bad window', 'metrics: [{ name: m1, type: cumulative, type_params: { window: seven days } }]'],
  ])('rejects %s', (_what, text) => {
    expect(validate(documents(text)[0])).toBe(false);
  });
});
