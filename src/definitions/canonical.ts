import { createHash } from 'node:crypto';

/**
 * JSON with sorted keys and without source locations (`loc`): two definition sets
 * that mean the same thing serialize identically, wherever they were written.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value));
}

export function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (key === 'loc') continue;
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = normalize(v);
    }
    return out;
  }
  return value;
}

export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
