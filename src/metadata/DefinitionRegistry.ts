import { Client } from 'pg';
import { SemanticGraph } from '../definitions';
import { UserError } from '../errors';
import { DEFINITIONS_CHANNEL, type DefinitionStore } from './DefinitionStore';

export interface ActiveDefinitions {
  readonly version: number;
  readonly graph: SemanticGraph;
}

/**
 * The semantic graph of the head version, kept in memory and swapped atomically when a new
 * version is published (here, or by another server: LISTEN/NOTIFY). A request takes the
 * current graph once and keeps it, so it finishes on the version it started with.
 */
export class DefinitionRegistry {
  private active: ActiveDefinitions | null = null;
  private readonly graphs = new Map<number, SemanticGraph>();
  private listener: Client | null = null;
  private refreshing: Promise<void> | null = null;

  constructor(private readonly store: DefinitionStore) {}

  /** Loads the head version; call once at start. */
  async load(): Promise<void> {
    await this.refresh();
  }

  /** Follows publishes made by other processes sharing the store. */
  async listen(databaseUrl: string): Promise<void> {
    const client = new Client({ connectionString: databaseUrl, application_name: 'northstar-listener' });
    client.on('error', () => {});
    client.on('notification', () => void this.refresh());
    await client.connect();
    await client.query(`LISTEN ${DEFINITIONS_CHANNEL}`);
    this.listener = client;
  }

  current(): ActiveDefinitions {
    if (!this.active)
      throw new UserError('NO_DEFINITIONS', 'no definitions are published yet: publish some with `northstar push DIR` or the publishDefinitions mutation', {});
    return this.active;
  }

  get currentVersion(): number | null {
    return this.active?.version ?? null;
  }

  /** The graph of any published version (cached). */
  async at(version: number): Promise<ActiveDefinitions> {
    if (this.active?.version === version) return this.active;
    const cached = this.graphs.get(version);
    if (cached) return { version, graph: cached };
    const row = await this.store.require(version);
    const graph = new SemanticGraph(row.definitions);
    this.remember(version, graph);
    return { version, graph };
  }

  /** Re-reads the head; concurrent calls share one read. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /** Installs a version that was just published in this process, without a round trip. */
  install(version: number, graph: SemanticGraph): void {
    this.remember(version, graph);
    if (!this.active || version > this.active.version) this.active = { version, graph };
  }

  async close(): Promise<void> {
    await this.listener?.end().catch(() => {});
    this.listener = null;
  }

  private async doRefresh(): Promise<void> {
    const head = await this.store.headNumber();
    if (head === null || head === this.active?.version) return;
    const { graph } = await this.at(head);
    if (!this.active || head > this.active.version) this.active = { version: head, graph };
  }

  private remember(version: number, graph: SemanticGraph): void {
    this.graphs.set(version, graph);
    // Keep a handful of recent versions for `version:` reads; the head is always kept.
    const stale = [...this.graphs.keys()].sort((a, b) => a - b).slice(0, -8);
    for (const v of stale) if (v !== this.active?.version) this.graphs.delete(v);
  }
}
