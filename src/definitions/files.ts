import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { SourceFile } from './load';

/** Folders dbt writes into or fetches; never definitions of this project. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'target', 'dbt_packages', 'dbt_modules', 'logs']);

/** Every *.yml / *.yaml file under `root`, recursively, with paths relative to it ('/'-separated). */
export async function readDefinitionFiles(root: string): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) await walk(full);
      } else if (/\.ya?ml$/i.test(entry.name)) {
        out.push({ path: relative(root, full).split(sep).join('/'), content: await readFile(full, 'utf8') });
      }
    }
  };
  await walk(root);
  return out;
}
