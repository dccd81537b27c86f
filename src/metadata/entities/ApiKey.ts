import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** An API key for X-API-Key; only a hash of the secret is stored. */
@Entity({ name: 'api_key', schema: 'northstar' })
export class ApiKeyRow {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** The first characters of the key, shown in listings to tell keys apart. */
  @Column({ type: 'text' })
  prefix!: string;

  @Index('api_key_hash_idx', { unique: true })
  @Column({ type: 'text', name: 'key_hash' })
  keyHash!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'jsonb' })
  roles!: string[];

  @Column({ type: 'jsonb' })
  attributes!: Record<string, unknown>;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;
}
