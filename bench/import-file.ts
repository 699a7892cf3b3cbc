import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { csvRecord } from '../src/domain/csv';
import { checkEmail, emailHashNumber } from '../src/domain/email';
import { checkPhone } from '../src/domain/phone';
import { CITIES, FIRST_NAMES, LAST_NAMES, TIERS } from './dataset';
import { seededRandom } from '../src/services/demo-seed';

/**
 * The `customers` file of the import suite, and the same rows in the shape of the `profile` and
 * `profile_phone` tables for the raw `COPY` it is compared with. Deterministic: row `i` depends
 * only on `i` and the seed. Every row is valid and names a new person (a unique email), a quarter
 * of them with a US phone in national format; names come from the data set's lists (accents,
 * apostrophes, spaces: quoted where CSV needs it).
 */

/** The custom fields the file fills, with their types (defined in the import namespace first). */
export const IMPORT_CUSTOM_FIELDS = [
  { key: 'loyalty_tier', type: 'STRING', indexed: true },
  { key: 'lifetime_value', type: 'NUMBER', indexed: true },
  { key: 'vip', type: 'BOOLEAN', indexed: true },
  { key: 'city', type: 'STRING', indexed: false },
] as const;

export const IMPORT_HEADER = ['email', 'phone', 'first_name', 'last_name', 'birthday_day', 'birthday_month', ...IMPORT_CUSTOM_FIELDS.map((f) => f.key)];

/** Columns of the profile-shaped COPY file, in order. */
export const PROFILE_COPY_COLUMNS = [
  'namespace_id', 'id', 'email', 'email_normalized', 'email_hash_number', 'first_name', 'last_name', 'birthday_day', 'birthday_month', 'custom',
  'email_status', 'email_status_changed_at', 'first_identified_at', 'created_at', 'updated_at',
];

/** Columns of the phone-shaped COPY file, in order. */
export const PHONE_COPY_COLUMNS = ['namespace_id', 'phone', 'profile_id', 'sms_status', 'created_at'];

/** The `purchases` file's header: identity, order id, time, and two columns that become event properties. */
export const PURCHASE_HEADER = ['email', 'order_id', 'created', 'amount', 'sku'];

/** Columns of the event-shaped COPY file, in order (the id is the table's identity). */
export const EVENT_COPY_COLUMNS = ['namespace_id', 'profile_id', 'type', 'created', 'properties', 'client_event_id'];

export interface ImportFiles {
  /** The CSV the importer reads. */
  readonly csv: string;
  /** The same rows as `profile` rows (COPY csv format). */
  readonly profiles: string;
  /** Their phones as `profile_phone` rows (COPY csv format). */
  readonly phones: string;
  /** A `purchases` file: one purchase of each person of the customers file, in file order, each with its own order id. */
  readonly purchases: string;
  /** The same purchases as `event` rows (COPY csv format). */
  readonly events: string;
  readonly purchaseBytes: number;
  readonly rows: number;
  readonly phoneRows: number;
  readonly csvBytes: number;
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

async function close(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'finish');
}

/**
 * Writes the three files for `rows` rows (fewer than 8,000,000: the phones are numbered by row). `namespaceId` and `firstId` fill the profile-shaped
 * rows (the COPY target is a copy of `profile`, so ids need not be free in `profile` itself).
 */
export async function writeImportFiles(paths: { csv: string; profiles: string; phones: string; purchases: string; events: string }, options: { rows: number; seed: number; namespaceId: string }): Promise<ImportFiles> {
  const random = seededRandom(options.seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const domains = ['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com', 'proton.me', 'web.de', 'example.co.uk'];
  const csv = createWriteStream(paths.csv);
  const profiles = createWriteStream(paths.profiles);
  const phones = createWriteStream(paths.phones);
  const purchases = createWriteStream(paths.purchases);
  const events = createWriteStream(paths.events);
  const now = new Date().toISOString();
  const purchaseHeader = csvRecord(PURCHASE_HEADER);
  let purchaseBytes = Buffer.byteLength(purchaseHeader);
  await write(purchases, purchaseHeader);
  const yearStart = Date.parse('2026-01-01T00:00:00Z');
  // A generator of its own, so that the customers file is the same with or without the purchases.
  const purchaseRandom = seededRandom(options.seed + 1);
  let csvBytes = 0;
  let phoneRows = 0;
  const header = csvRecord(IMPORT_HEADER);
  csvBytes += Buffer.byteLength(header);
  await write(csv, header);
  for (let i = 1; i <= options.rows; i++) {
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    const local = `${first}.${last.replace(/[ ']/g, '')}.${i}`;
    const email = `${random() < 0.1 ? local : local.toLowerCase()}@${pick(domains)}`;
    const phone = random() < 0.25 ? `(201) ${String(2_000_000 + i).replace(/^(\d{3})(\d{4})$/, '$1-$2')}` : null;
    const firstName = random() < 0.92 ? first : null;
    const lastName = random() < 0.85 ? last : null;
    const birthday = random() < 0.55 ? { day: 1 + Math.floor(random() * 28), month: 1 + Math.floor(random() * 12) } : null;
    const custom: Record<string, string | number | boolean> = {};
    if (random() < 0.7) custom.loyalty_tier = pick(TIERS);
    if (random() < 0.8) custom.lifetime_value = Math.round(-Math.log(1 - random()) * 40_000) / 100;
    if (random() < 0.5) custom.vip = random() < 0.08;
    if (random() < 0.6) custom.city = pick(CITIES);
    const line = csvRecord([
      email, phone, firstName, lastName, birthday ? String(birthday.day) : null, birthday ? String(birthday.month) : null,
      ...IMPORT_CUSTOM_FIELDS.map((f) => (custom[f.key] === undefined ? null : String(custom[f.key]))),
    ]);
    csvBytes += Buffer.byteLength(line);
    await write(csv, line);

    const checked = checkEmail(email);
    if (!checked.ok) throw new Error(`the generated email ${email} does not pass the service's check`);
    await write(profiles, csvRecord([
      options.namespaceId, String(i), email, checked.normalized, String(emailHashNumber(checked.normalized)), firstName, lastName,
      birthday ? String(birthday.day) : null, birthday ? String(birthday.month) : null, JSON.stringify(custom), 'KNOWN', now, now, now, now,
    ]));
    if (phone !== null) {
      const e164 = checkPhone(phone, 'US');
      if (!e164.ok) throw new Error(`the generated phone ${phone} does not pass the service's check`);
      await write(phones, csvRecord([options.namespaceId, e164.e164, String(i), 'KNOWN', now]));
      phoneRows++;
    }

    // The purchase of person i (the order id is unique, so every row is a new event of an existing profile).
    const created = new Date(yearStart + Math.floor(purchaseRandom() * 330 * 86_400_000)).toISOString();
    const amount = (Math.round(-Math.log(1 - purchaseRandom()) * 8_000) / 100).toFixed(2);
    const sku = `SKU-${1000 + Math.floor(purchaseRandom() * 500)}`;
    const order = `ORD-${String(i).padStart(8, '0')}`;
    const purchase = csvRecord([email, order, created, amount, sku]);
    purchaseBytes += Buffer.byteLength(purchase);
    await write(purchases, purchase);
    await write(events, csvRecord([options.namespaceId, String(i), 'purchase', created, JSON.stringify({ amount: Number(amount), sku }), order]));
  }
  await Promise.all([close(csv), close(profiles), close(phones), close(purchases), close(events)]);
  return { ...paths, rows: options.rows, phoneRows, csvBytes, purchaseBytes };
}
