import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

export interface AuditEvent {
  readonly principal: string;
  readonly action: string;
  readonly requestId: string | null;
  readonly definitionVersion: number | null;
  readonly detail: Record<string, unknown>;
  readonly outcome: string;
  readonly durationMs: number | null;
}

/**
 * Append-only audit trail. Events are buffered and written in one INSERT per flush (group
 * commit) so auditing never sits on a query's critical path; each row carries a hash over the
 * previous row's hash and its own content, so edits or deletions break the chain.
 */
export class AuditLog {
  private buffer: Array<AuditEvent & { at: Date }> = [];
  private lastHash: string | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private loaded = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: { flushMs?: number; maxBuffer?: number } = {},
  ) {}

  record(event: AuditEvent): void {
    this.buffer.push({ ...event, at: new Date() });
    if (this.buffer.length >= (this.options.maxBuffer ?? 200)) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.flushMs ?? 50);
      this.timer.unref();
    }
  }

  /** Writes everything buffered so far; resolves when it is stored. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(() => (batch.length ? this.write(batch) : undefined)).catch(() => undefined);
    return this.flushing;
  }

  private async write(batch: Array<AuditEvent & { at: Date }>): Promise<void> {
    if (!this.loaded) {
      const rows: Array<{ chain_hash: string | null }> = await this.dataSource.query(
        'SELECT chain_hash FROM northstar.audit_event ORDER BY id DESC LIMIT 1',
      );
      this.lastHash = rows[0]?.chain_hash ?? null;
      this.loaded = true;
    }
    const hashes = batch.map((event) => {
      const hash = createHash('sha256')
        .update(this.lastHash ?? '')
        .update(JSON.stringify([event.at.toISOString(), event.principal, event.action, event.requestId, event.definitionVersion, event.detail, event.outcome]))
        .digest('hex');
      this.lastHash = hash;
      return hash;
    });
    await this.dataSource.query(
      `INSERT INTO northstar.audit_event (at, principal, action, request_id, definition_version, detail, outcome, duration_ms, chain_hash)
       SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::int[], $6::jsonb[], $7::text[], $8::int[], $9::text[])`,
      [
        batch.map((e) => e.at.toISOString()),
        batch.map((e) => e.principal),
        batch.map((e) => e.action),
        batch.map((e) => e.requestId),
        batch.map((e) => e.definitionVersion),
        batch.map((e) => JSON.stringify(e.detail)),
        batch.map((e) => e.outcome),
        batch.map((e) => e.durationMs),
        hashes,
      ],
    );
  }
}
