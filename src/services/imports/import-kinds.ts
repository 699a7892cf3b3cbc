import { applyEmailChanges, applySmsChanges, lockEmailStatuses, lockSmsStatuses, type EmailChange, type SmsChange } from '../../db/consent-batch.sql';
import { insertEvents, type EventRow } from '../../db/event-ingest.sql';
import { profileFingerprints, profilesNamed } from '../../db/import.repository';
import type { Sql } from '../../db/sql';
import { emailTransition, smsTransition, type EmailStatus, type SmsStatus } from '../../domain/consent';
import type { CustomFieldType } from '../../domain/custom-fields';
import { checkEvent, type CheckedEvent } from '../../domain/event-input';
import type { ImportColumnSpec, MappedRow } from '../../domain/import-mapping';
import { propertyValue } from '../../domain/import-mapping';
import { identityKey, stageProfile, type ProfileWrite, type StagedProfile } from '../../domain/profile-input';
import { checkEmail, emailProblem } from '../../domain/email';
import type { Permission } from '../../domain/permissions';
import { checkPhone, phoneProblem } from '../../domain/phone';
import type { ForgetNamed } from '../../db/forget-batch.sql';
import { PrivacyService } from '../privacy.service';
import type { ProfileService, UpsertOutcome } from '../profile.service';
import type { Scope } from '../scope';

/** What went wrong with one row, and in which column (by its header; null for the whole row). */
export interface RowProblem {
  readonly column: string | null;
  readonly message: string;
}

export type RowOutcome = 'created' | 'updated' | 'unchanged' | { readonly rejected: readonly RowProblem[] };

export interface KindContext {
  readonly scope: Scope;
  readonly profiles: ProfileService;
  readonly customFields: ReadonlyMap<string, CustomFieldType>;
}

/** A parsed, validated row of one kind, with the headers of its cells for problems found later. */
export interface ParsedRow<I> {
  readonly item: I;
  /** Header of the column each input path came from (`email`, `phones`, `custom.tier`, …). */
  readonly headerOf: (path: string) => string | null;
  /**
   * Who or what the row creates (an identity, an order), and what a later row with the same key
   * counts as. A dry run rolls each batch back, so it remembers these keys to count a person
   * repeated in a later batch as a real run would.
   */
  readonly key: string;
  readonly repeat: 'updated' | 'unchanged';
}

/**
 * One kind of import: which columns it reads, how a row is checked, and how a batch of checked rows
 * is applied in one transaction with set-based statements. New kinds (such as `forget` from the
 * privacy track) register here: `registerImportKind(kind)`.
 */
export interface ImportKind<I = unknown> {
  readonly name: string;
  readonly description: string;
  readonly columns: ImportColumnSpec;
  /** A permission the kind needs beyond `imports:run` (the job then runs with a role that has it). */
  readonly permission?: Permission;
  parse(row: MappedRow, ctx: KindContext): { ok: true; value: ParsedRow<I> } | { ok: false; problems: RowProblem[] };
  /** Applies the checked rows of a batch; one outcome per row, in order. */
  apply(tx: Sql, rows: readonly ParsedRow<I>[], ctx: KindContext): Promise<RowOutcome[]>;
  /**
   * What a run refreshes the statistics of as it goes: the tables it fills, each with the columns its
   * batch statements filter and join on (default `PROFILE_STATISTICS`). Only those columns: a whole
   * `analyze profile` also evaluates every expression index (custom fields) over its sample, 4–5×
   * the time, and those statistics do not change the plans of a batch.
   */
  readonly statistics?: readonly string[];
}

/** The statistics identity resolution's plans read: how many profiles and phones a namespace has, by email and by phone. */
export const PROFILE_STATISTICS = ['profile (namespace_id, email_normalized)', 'profile_phone (namespace_id, phone, profile_id)'];

const IDENTITY_FIELDS = [
  { name: 'email', aliases: ['email_address', 'e-mail', 'e_mail', 'email address'] },
  { name: 'phone', aliases: ['phone_number', 'phone number', 'mobile', 'sms'] },
];

/** Input paths of a profile write (as `stageProfile` reports them) → the field name they came from. */
const PATH_FIELD: Readonly<Record<string, string>> = {
  email: 'email', phones: 'phone', firstName: 'first_name', lastName: 'last_name', birthdayDay: 'birthday_day', birthdayMonth: 'birthday_month',
  type: 'type', created: 'created', createdOverride: 'created_override', clientEventId: 'order_id', properties: 'properties',
};

/** One lookup per run: every row of a file has the same columns (keyed by the run's shared column list). */
const headerLookups = new WeakMap<MappedRow['columns'], (path: string) => string | null>();

/** The header of the column an input path came from, for a row's problems. */
function headerLookup(row: MappedRow): (path: string) => string | null {
  let lookup = headerLookups.get(row.columns);
  if (!lookup) {
    const byPath = new Map<string, string>();
    row.columns.forEach((target, i) => {
      const header = row.headers[i]!;
      if (target.kind === 'field') byPath.set(target.name, header);
      else if (target.kind === 'custom') byPath.set(`custom.${target.key}`, header);
      else if (target.kind === 'property') byPath.set(`properties.${target.name}`, header);
    });
    lookup = (path) => byPath.get(path.startsWith('custom.') || path.startsWith('properties.') ? path : (PATH_FIELD[path] ?? path)) ?? null;
    headerLookups.set(row.columns, lookup);
  }
  return lookup;
}

/** `['phones', 0]` → `phones`, `['custom', 'tier']` → `custom.tier`. */
function pathKey(path: readonly (string | number)[]): string {
  if (path.length === 0) return '';
  if ((path[0] === 'custom' || path[0] === 'properties') && typeof path[1] === 'string') return `${path[0]}.${path[1]}`;
  return String(path[0]);
}

function toProblems(problems: readonly { path: readonly (string | number)[]; message: string }[], headerOf: (path: string) => string | null): RowProblem[] {
  return problems.map((p) => {
    const key = pathKey(p.path);
    return { column: key ? headerOf(key) : null, message: p.message };
  });
}

function value(row: MappedRow, field: string): string | undefined {
  return row.fields.get(field)?.value;
}

function identityWrite(row: MappedRow): ProfileWrite {
  const phone = value(row, 'phone');
  return { email: value(row, 'email') ?? null, phones: phone === undefined ? [] : [phone] };
}

function stage(write: ProfileWrite, row: MappedRow, ctx: KindContext): { ok: true; value: ParsedRow<StagedProfile> } | { ok: false; problems: RowProblem[] } {
  const headerOf = headerLookup(row);
  const staged = stageProfile(write, { defaultRegion: ctx.scope.tenant.defaultRegion, customFields: ctx.customFields, fromText: true }, []);
  if (!staged.ok) return { ok: false, problems: toProblems(staged.problems, headerOf) };
  return { ok: true, value: { item: staged.value, headerOf, key: identityKey(staged.value), repeat: 'updated' } };
}

/**
 * Identifies (and creates) the profiles of a batch through the API's own path: batch consolidation
 * and the set-based identity resolution, with consent source IMPORT. Outcomes per row, with
 * created / updated / unchanged told apart by fingerprints taken before and after `also` runs.
 * A profile named by several rows counts once; its other rows count as unchanged.
 */
async function identifyAndClassify(
  tx: Sql,
  rows: readonly ParsedRow<StagedProfile>[],
  ctx: KindContext,
  also: (tx: Sql, outcomes: readonly UpsertOutcome[]) => Promise<RowProblem[][] | void> = async () => undefined,
): Promise<RowOutcome[]> {
  const ns = ctx.scope.tenant.id;
  const staged = rows.map((r) => r.item);
  const named = await profilesNamed(tx, ns, staged.flatMap((s) => (s.emailNormalized ? [s.emailNormalized] : [])), staged.flatMap((s) => s.phones));
  const before = await profileFingerprints(tx, ns, named);
  const outcomes = (await ctx.profiles.apply(tx, staged, 'IMPORT', () => [], { copy: true })) as UpsertOutcome[];
  const extra = (await also(tx, outcomes)) ?? [];
  // A created profile counts as created whatever it holds: only the others need a second fingerprint.
  const ids = outcomes.flatMap((o) => (o.ok && !o.created ? [o.profileId, ...o.mergedProfileIds] : []));
  const after = await profileFingerprints(tx, ns, ids);
  const counted = new Set<number>();
  return outcomes.map((o, i) => {
    if (!o.ok) return { rejected: toProblems(o.problems, rows[i]!.headerOf) };
    if (extra[i]?.length) return { rejected: extra[i]! };
    if (counted.has(o.profileId)) return 'unchanged';
    counted.add(o.profileId);
    if (o.created) return 'created';
    const changed = [o.profileId, ...o.mergedProfileIds].some((id) => before.get(id) !== after.get(id));
    return changed || o.mergedProfileIds.length > 0 ? 'updated' : 'unchanged';
  });
}

const customers: ImportKind<StagedProfile> = {
  name: 'customers',
  description: 'Profiles: email, phone, first and last name, birthday, custom fields. Empty cells leave a value as it is.',
  columns: {
    fields: [
      ...IDENTITY_FIELDS,
      { name: 'first_name', aliases: ['firstname', 'first name', 'given_name'] },
      { name: 'last_name', aliases: ['lastname', 'last name', 'surname', 'family_name'] },
      { name: 'birthday_day', aliases: ['birthday day'] },
      { name: 'birthday_month', aliases: ['birthday month'] },
    ],
    required: [['email', 'phone']],
    customFields: true,
    extraColumns: 'unknown',
  },
  parse(row, ctx) {
    const problems: RowProblem[] = [];
    const day = row.fields.get('birthday_day');
    let birthdayDay: number | undefined;
    if (day) {
      if (/^\s*\d{1,2}\s*$/.test(day.value)) birthdayDay = Number(day.value);
      else problems.push({ column: day.header, message: `expects a day of the month from 1 to 31, got ${JSON.stringify(day.value)}` });
    }
    // Built field by field (no spreads): this runs once per row of every customers file.
    const write: { -readonly [K in keyof ProfileWrite]: ProfileWrite[K] } = identityWrite(row);
    const firstName = row.fields.get('first_name');
    if (firstName) write.firstName = firstName.value;
    const lastName = row.fields.get('last_name');
    if (lastName) write.lastName = lastName.value;
    if (birthdayDay !== undefined) write.birthdayDay = birthdayDay;
    const month = row.fields.get('birthday_month');
    if (month) write.birthdayMonth = month.value;
    const custom: Record<string, string> = {};
    for (const c of row.custom) custom[c.key] = c.value;
    write.custom = custom;
    const staged = stage(write, row, ctx);
    if (!staged.ok) return { ok: false, problems: [...problems, ...staged.problems] };
    return problems.length ? { ok: false, problems } : staged;
  },
  apply: (tx, rows, ctx) => identifyAndClassify(tx, rows, ctx),
};

const emailList: ImportKind<StagedProfile> = {
  name: 'email_list',
  description: 'Adds emails as KNOWN profiles and changes nothing else.',
  columns: { fields: [IDENTITY_FIELDS[0]!], required: [['email']], customFields: false, extraColumns: 'unknown' },
  parse: (row, ctx) => stage({ email: value(row, 'email') ?? null }, row, ctx),
  apply: (tx, rows, ctx) => identifyAndClassify(tx, rows, ctx),
};

/** An opt-in or unsubscribe file: each row's email and/or phone moves through its state machine. */
function consentKind(name: string, target: 'SUBSCRIBED' | 'UNSUBSCRIBED', description: string): ImportKind<StagedProfile> {
  return {
    name,
    description,
    columns: { fields: IDENTITY_FIELDS, required: [['email', 'phone']], customFields: false, extraColumns: 'unknown' },
    parse: (row, ctx) => stage(identityWrite(row), row, ctx),
    apply: (tx, rows, ctx) =>
      identifyAndClassify(tx, rows, ctx, async (sql, outcomes) => {
        const ns = ctx.scope.tenant.id;
        const problems: RowProblem[][] = rows.map(() => []);
        const emailRows = outcomes.flatMap((o, i) => (o.ok && rows[i]!.item.emailNormalized ? [{ i, profileId: o.profileId }] : []));
        const emailStatus = await lockEmailStatuses(sql, ns, emailRows.map((r) => r.profileId));
        const emailChanges = new Map<number, EmailChange>();
        for (const { i, profileId } of emailRows) {
          const current = emailChanges.get(profileId)?.to ?? emailStatus.get(profileId) ?? null;
          if (current === null) continue;
          const t = emailTransition(current, target);
          if (t.kind === 'invalid') problems[i]!.push({ column: rows[i]!.headerOf('email'), message: t.reason });
          else if (t.kind === 'change') emailChanges.set(profileId, { profileId, from: emailChanges.get(profileId)?.from ?? t.from, to: t.to });
        }
        await applyEmailChanges(sql, ns, [...emailChanges.values()], 'IMPORT', ctx.scope.actor);

        const phoneRows = outcomes.flatMap((o, i) => (o.ok ? rows[i]!.item.phones.map((phone) => ({ i, phone })) : []));
        const smsStatus = await lockSmsStatuses(sql, ns, phoneRows.map((r) => r.phone));
        const smsChanges = new Map<string, SmsChange>();
        for (const { i, phone } of phoneRows) {
          const held = smsStatus.get(phone);
          if (!held) continue;
          const current: SmsStatus = smsChanges.get(phone)?.to ?? held.status;
          const t = smsTransition(current, target);
          if (t.kind === 'invalid') problems[i]!.push({ column: rows[i]!.headerOf('phones'), message: t.reason });
          else if (t.kind === 'change') {
            const method = target === 'SUBSCRIBED' ? (current === 'PENDING' ? 'DOUBLE' : 'SINGLE') : null;
            smsChanges.set(phone, { phone, profileId: held.profileId, from: smsChanges.get(phone)?.from ?? t.from, to: t.to, method });
          }
        }
        await applySmsChanges(sql, ns, [...smsChanges.values()], 'IMPORT', ctx.scope.actor);
        return problems;
      }),
  };
}

interface PurchaseItem {
  readonly event: CheckedEvent;
  readonly identity: StagedProfile;
}

const purchases: ImportKind<PurchaseItem> = {
  name: 'purchases',
  description: 'Purchase events: email or phone, order_id (the idempotency key), created, created_override; other columns become properties (numbers as numbers).',
  columns: {
    fields: [
      ...IDENTITY_FIELDS,
      { name: 'order_id', aliases: ['order id', 'orderid', 'order_number', 'order number'] },
      { name: 'created', aliases: ['created_at', 'purchased_at', 'date'] },
      { name: 'created_override' },
    ],
    required: [['email', 'phone'], ['order_id'], ['created']],
    customFields: false,
    extraColumns: 'property',
  },
  parse(row, ctx) {
    const headerOf = headerLookup(row);
    const checked = checkEvent(
      {
        type: 'purchase',
        created: value(row, 'created') ?? '',
        createdOverride: value(row, 'created_override') ?? null,
        clientEventId: value(row, 'order_id')?.trim() ?? null,
        email: value(row, 'email') ?? null,
        phone: value(row, 'phone') ?? null,
        properties: Object.fromEntries(row.properties.map((p) => [p.name, propertyValue(p.value)])),
      },
      [],
    );
    if (!checked.ok) return { ok: false, problems: toProblems(checked.problems, headerOf) };
    const event = checked.value;
    if (!('identity' in event.subject)) return { ok: false, problems: [{ column: null, message: 'needs an email or a phone' }] };
    const staged = stage(event.subject.identity, row, ctx);
    if (!staged.ok) return staged;
    return { ok: true, value: { item: { event, identity: staged.value.item }, headerOf, key: `order:${event.clientEventId}`, repeat: 'unchanged' } };
  },
  async apply(tx, rows, ctx) {
    const outcomes = (await ctx.profiles.apply(tx, rows.map((r) => r.item.identity), 'IMPORT', () => [], { copy: true })) as UpsertOutcome[];
    const result: RowOutcome[] = new Array(rows.length);
    const events: EventRow[] = [];
    const seen = new Set<string>();
    outcomes.forEach((o, i) => {
      const { event } = rows[i]!.item;
      if (!o.ok) return void (result[i] = { rejected: toProblems(o.problems, rows[i]!.headerOf) });
      if (event.clientEventId !== null && seen.has(event.clientEventId)) return void (result[i] = 'unchanged');
      if (event.clientEventId !== null) seen.add(event.clientEventId);
      events.push({ ord: i, profileId: o.profileId, type: event.type, created: event.created, createdOverride: event.createdOverride, properties: event.properties, clientEventId: event.clientEventId });
    });
    for (const r of await insertEvents(tx, ctx.scope.tenant.id, events)) result[r.ord] = r.inserted ? 'created' : 'unchanged';
    return result;
  },
  statistics: [...PROFILE_STATISTICS, 'event (namespace_id, profile_id, client_event_id)'],
};

/**
 * Bulk deletion requests (CLIENT_ADMIN): each row names a person by email or phone (a row with both
 * is two requests). Applied set-based per batch by `PrivacyService.apply`, with the same audit
 * record per request, source IMPORT, and the same suppression as forgetProfile. A row counts as
 * updated when it forgot someone, unchanged when nobody held its identifiers (they are suppressed
 * all the same) or an earlier row forgot the person.
 */
const forget: ImportKind<ForgetNamed[]> = {
  name: 'forget',
  description: 'Deletion requests (CLIENT_ADMIN): each email or phone is forgotten as forgetProfile does, audited (source IMPORT) and suppressed.',
  columns: { fields: IDENTITY_FIELDS, required: [['email', 'phone']], customFields: false, extraColumns: 'unknown' },
  permission: 'profiles:forget',
  parse(row, ctx) {
    const headerOf = headerLookup(row);
    const named: ForgetNamed[] = [];
    const problems: RowProblem[] = [];
    const email = value(row, 'email')?.trim();
    const phone = value(row, 'phone')?.trim();
    if (email) {
      const checked = checkEmail(email);
      if (checked.ok) named.push({ kind: 'EMAIL', value: checked.normalized });
      else problems.push({ column: headerOf('email'), message: emailProblem(email, checked.reason) });
    }
    if (phone) {
      const checked = checkPhone(phone, ctx.scope.tenant.defaultRegion);
      if (checked.ok) named.push({ kind: 'PHONE', value: checked.e164 });
      else problems.push({ column: headerOf('phones'), message: phoneProblem(phone, checked.reason) });
    }
    if (!email && !phone) problems.push({ column: null, message: 'needs an email or a phone' });
    if (problems.length) return { ok: false, problems };
    return { ok: true, value: { item: named, headerOf, key: named.map((n) => `${n.kind}:${n.value}`).join(' '), repeat: 'unchanged' } };
  },
  async apply(tx, rows, ctx) {
    const flat = rows.flatMap((r, i) => r.item.map((named) => ({ i, named })));
    const applied = await new PrivacyService({ ...ctx.scope, sql: tx }).apply(tx, flat.map((f) => f.named), 'IMPORT');
    const outcomes: RowOutcome[] = rows.map(() => 'unchanged');
    applied.forEach((a, k) => {
      if (a.removed.profiles > 0) outcomes[flat[k]!.i] = 'updated';
    });
    return outcomes;
  },
};

const KINDS = new Map<string, ImportKind<never>>();

/** Adds a kind of import (for example `forget`, from the privacy work). */
export function registerImportKind<I>(kind: ImportKind<I>): void {
  if (KINDS.has(kind.name)) throw new Error(`an import kind ${kind.name} is already registered`);
  KINDS.set(kind.name, kind as unknown as ImportKind<never>);
}

export function importKind(name: string): ImportKind<unknown> | undefined {
  return KINDS.get(name) as ImportKind<unknown> | undefined;
}

export function importKindNames(): string[] {
  return [...KINDS.keys()];
}

registerImportKind(customers);
registerImportKind(emailList);
registerImportKind(purchases);
registerImportKind(consentKind('email_optins', 'SUBSCRIBED', 'Opt-ins: each email becomes SUBSCRIBED and each phone SUBSCRIBED (SINGLE; a PENDING number is confirmed), through the consent state machines.'));
registerImportKind(consentKind('unsubscribes', 'UNSUBSCRIBED', 'Unsubscribes: each email and each phone becomes UNSUBSCRIBED, through the consent state machines.'));
registerImportKind(forget);

export type { EmailStatus };
