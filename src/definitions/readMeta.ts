import type { MapReader, ReadContext } from './reader';
import type { NorthstarMeta } from './types';

const NORTHSTAR_KEYS = { owner: 'owner', layer: 'layer', tier: 'tier', parent_metric: 'parentMetric', unit: 'unit' } as const;

/**
 * Northstar's extensions live in `config.meta` (or the older top-level `meta`):
 * owner, layer, tier, parent_metric, unit. Everything else in meta is kept untouched.
 */
export function readMeta(config: MapReader | null, owner: MapReader, ctx: ReadContext, what: string): NorthstarMeta {
  const sources = [owner.map('meta', `meta of ${what}`), config?.map('meta', `config.meta of ${what}`) ?? null];
  const meta: { -readonly [K in keyof NorthstarMeta]: NorthstarMeta[K] } = {
    owner: null,
    layer: null,
    tier: null,
    parentMetric: null,
    unit: null,
    extra: {},
  };
  const extra: Record<string, unknown> = {};
  for (const source of sources) {
    if (!source) continue;
    for (const entry of source.node.entries) {
      const field = NORTHSTAR_KEYS[entry.key as keyof typeof NORTHSTAR_KEYS];
      if (field) {
        const value = source.string(entry.key);
        if (value !== null) meta[field] = value;
      } else {
        extra[entry.key] = source.plain(entry.key);
      }
    }
    void ctx;
  }
  meta.extra = extra;
  return meta;
}
