import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Definitions, SourceFile } from '../../definitions';

/** One published, immutable, numbered version of the whole definition set. */
@Entity({ name: 'definition_version', schema: 'northstar' })
export class DefinitionVersionRow {
  @PrimaryColumn({ type: 'integer' })
  number!: number;

  /** sha256 of the normalized definitions: identical meaning, identical hash. */
  @Index('definition_version_hash_idx')
  @Column({ type: 'text' })
  hash!: string;

  @Column({ type: 'integer', name: 'parent_number', nullable: true })
  parentNumber!: number | null;

  @Column({ type: 'text' })
  author!: string;

  @Column({ type: 'text' })
  message!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  /** The files exactly as published. */
  @Column({ type: 'jsonb' })
  files!: SourceFile[];

  @Column({ type: 'jsonb' })
  vars!: Record<string, string>;

  /** The normalized, validated definitions (with source locations). */
  @Column({ type: 'jsonb' })
  definitions!: Definitions;

  /** Counts and changes against the parent, for listings without loading `definitions`. */
  @Column({ type: 'jsonb' })
  summary!: VersionSummary;
}

export interface VersionSummary {
  readonly semanticModels: number;
  readonly metrics: number;
  readonly savedQueries: number;
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
}
