import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';

describe('a typed client generated from schema/schema.graphql', () => {
  it('generates types for sample operations, and code using them compiles', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'northstar-client-'));
    execFileSync(process.execPath, [join(__dirname, 'client', 'generate.cjs'), join(dir, 'generated.ts')], { stdio: 'pipe' });
    const output = readFileSync(join(dir, 'generated.ts'), 'utf8');
    writeFileSync(join(dir, 'usage.ts'), readFileSync(join(__dirname, 'client', 'usage.ts.txt'), 'utf8'));
    const program = ts.createProgram([join(dir, 'usage.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      skipLibCheck: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
    expect(output).toContain('export type MonthlyKpisQuery');
    // A wrong use is caught: the values are numbers, not strings.
    writeFileSync(join(dir, 'wrong.ts'), "import type { MonthlyKpisQuery } from './generated';\nexport const x = (r: MonthlyKpisQuery): string => r.revenue!.values[0]!.value!;\n");
    const wrong = ts.createProgram([join(dir, 'wrong.ts')], { strict: true, noEmit: true, skipLibCheck: true });
    expect(ts.getPreEmitDiagnostics(wrong).length).toBeGreaterThan(0);
  });
});
