import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Who did what: queries run, definitions published, keys issued. Append-only. */
@Entity({ name: 'audit_event', schema: 'northstar' })
@Index('audit_event_at_idx', ['at'])
@Index('audit_event_principal_idx', ['principal', 'at'])
export class AuditEventRow {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'text' })
  principal!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text', name: 'request_id', nullable: true })
  requestId!: string | null;

  @Column({ type: 'integer', name: 'definition_version', nullable: true })
  definitionVersion!: number | null;

  @Column({ type: 'jsonb' })
  detail!: Record<string, unknown>;

  @Column({ type: 'text', nullable: true })
  outcome!: string | null;

  @Column({ type: 'integer', name: 'duration_ms', nullable: true })
  durationMs!: number | null;

  /** sha256 over the previous event's hash and this event: tampering breaks the chain. */
  @Column({ type: 'text', name: 'chain_hash', nullable: true })
  chainHash!: string | null;
}
