import { Migration } from '@mikro-orm/migrations';

/**
 * Right to be forgotten (docs/privacy.md): a per-namespace HMAC secret (stored as its two HMAC
 * pads, so the database computes HMAC-SHA256 with the built-in `sha256`), the audit record of
 * every deletion request, and the suppression list of hashed identifiers that identity
 * resolution checks before it matches or creates anything.
 */
export class Migration20261202150000_privacy extends Migration {
  override async up(): Promise<void> {
    // HMAC-SHA256(key, value) = sha256((key xor opad) || sha256((key xor ipad) || value)), with the
    // 64-byte pads precomputed from the key; identical to Node's createHmac('sha256', key).
    this.addSql(`
      create function identifier_digest(inner_pad bytea, outer_pad bytea, value text) returns text
      language sql immutable strict parallel safe
      as 'select encode(sha256(outer_pad || sha256(inner_pad || convert_to(value, ''UTF8''))), ''hex'')'`);
    this.addSql(`
      create table privacy_secret (
        namespace_id uuid primary key references namespace (id) on delete cascade,
        inner_pad bytea not null,
        outer_pad bytea not null,
        created_at timestamptz not null default now(),
        constraint privacy_secret_pad_check check (length(inner_pad) = 64 and length(outer_pad) = 64)
      )`);
    this.addSql(`
      create table forget_request (
        namespace_id uuid not null references namespace (id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        requested_at timestamptz not null default now(),
        actor text not null,
        actor_key_id uuid,
        actor_role text not null,
        named_by text not null,
        source text not null,
        identifiers jsonb not null,
        removed jsonb not null,
        primary key (namespace_id, id),
        constraint forget_request_named_by_check check (named_by in ('EMAIL', 'PHONE', 'PROFILE_ID')),
        constraint forget_request_identifiers_check check (jsonb_typeof(identifiers) = 'array'),
        constraint forget_request_removed_check check (jsonb_typeof(removed) = 'object')
      )`);
    this.addSql(`create index forget_request_time_idx on forget_request (namespace_id, requested_at desc, id desc)`);
    this.addSql(`
      create table suppressed_identifier (
        namespace_id uuid not null,
        digest text not null,
        kind text not null,
        request_id uuid not null,
        suppressed_at timestamptz not null default now(),
        primary key (namespace_id, digest),
        foreign key (namespace_id, request_id) references forget_request (namespace_id, id) on delete cascade,
        constraint suppressed_identifier_kind_check check (kind in ('EMAIL', 'PHONE'))
      )`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists suppressed_identifier');
    this.addSql('drop table if exists forget_request');
    this.addSql('drop table if exists privacy_secret');
    this.addSql('drop function if exists identifier_digest(bytea, bytea, text)');
  }
}
