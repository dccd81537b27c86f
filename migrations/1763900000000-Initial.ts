import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The metadata store: definition versions and their change index, audit events, API keys. */
export class Initial1763900000000 implements MigrationInterface {
  name = 'Initial1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS northstar`);
    await q.query(`
      CREATE TABLE northstar.definition_version (
        number        integer PRIMARY KEY CHECK (number > 0),
        hash          text NOT NULL,
        parent_number integer REFERENCES northstar.definition_version (number),
        author        text NOT NULL,
        message       text NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        files         jsonb NOT NULL,
        vars          jsonb NOT NULL,
        definitions   jsonb NOT NULL,
        summary       jsonb NOT NULL,
        CHECK (parent_number IS NULL OR parent_number = number - 1)
      )`);
    await q.query(`CREATE INDEX definition_version_hash_idx ON northstar.definition_version (hash)`);
    await q.query(`
      CREATE TABLE northstar.definition_change (
        id             bigserial PRIMARY KEY,
        version_number integer NOT NULL REFERENCES northstar.definition_version (number),
        kind           text NOT NULL,
        name           text NOT NULL,
        change_type    text NOT NULL CHECK (change_type IN ('added', 'removed', 'changed')),
        content_hash   text,
        fields         jsonb NOT NULL,
        UNIQUE (version_number, kind, name)
      )`);
    await q.query(`CREATE INDEX definition_change_object_idx ON northstar.definition_change (kind, name, version_number)`);
    await q.query(`CREATE INDEX definition_change_version_idx ON northstar.definition_change (version_number)`);
    // Published versions are immutable: the database refuses updates and deletes.
    await q.query(`
      CREATE FUNCTION northstar.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'published definition versions are immutable' USING ERRCODE = 'check_violation';
      END $$`);
    await q.query(`
      CREATE TRIGGER definition_version_immutable BEFORE UPDATE OR DELETE ON northstar.definition_version
      FOR EACH ROW EXECUTE FUNCTION northstar.refuse_change()`);
    await q.query(`
      CREATE TRIGGER definition_change_immutable BEFORE UPDATE OR DELETE ON northstar.definition_change
      FOR EACH ROW EXECUTE FUNCTION northstar.refuse_change()`);
    await q.query(`
      CREATE TABLE northstar.audit_event (
        id                 bigserial PRIMARY KEY,
        at                 timestamptz NOT NULL,
        principal          text NOT NULL,
        action             text NOT NULL,
        request_id         text,
        definition_version integer,
        detail             jsonb NOT NULL,
        outcome            text,
        duration_ms        integer,
        chain_hash         text
      )`);
    await q.query(`CREATE INDEX audit_event_at_idx ON northstar.audit_event (at)`);
    await q.query(`CREATE INDEX audit_event_principal_idx ON northstar.audit_event (principal, at)`);
    await q.query(`
      CREATE TABLE northstar.api_key (
        id          bigserial PRIMARY KEY,
        name        text NOT NULL,
        prefix      text NOT NULL,
        key_hash    text NOT NULL,
        subject     text NOT NULL,
        roles       jsonb NOT NULL,
        attributes  jsonb NOT NULL,
        created_at  timestamptz NOT NULL,
        revoked_at  timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX api_key_hash_idx ON northstar.api_key (key_hash)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE northstar.api_key`);
    await q.query(`DROP TABLE northstar.audit_event`);
    await q.query(`DROP TABLE northstar.definition_change`);
    await q.query(`DROP TABLE northstar.definition_version`);
    await q.query(`DROP FUNCTION northstar.refuse_change()`);
  }
}
