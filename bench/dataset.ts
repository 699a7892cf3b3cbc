import { createHash } from 'node:crypto';
import type { CustomFieldType } from '../src/domain/custom-fields';

/**
 * The shape of the generated data set: namespaces and their shares, custom fields, the instant
 * the data is generated relative to. Shared by the generator, the reference segments and the
 * tests, so they agree on names and values.
 */

/** Every time in the data set lies before this instant; segments are evaluated at it. */
export const DATASET_AS_OF = new Date('2026-11-28T12:00:00.000Z');

/** Profiles were created over this many days before `DATASET_AS_OF`, in ID order. */
export const DATASET_SPAN_DAYS = 1095;

export const DEFAULT_SEED = 20261128;

export interface BenchNamespace {
  readonly slug: string;
  /** Share of all profiles. */
  readonly share: number;
  readonly region: string;
}

/** Several namespaces, one holding most rows (a skewed tenant). */
export const BENCH_NAMESPACES: readonly BenchNamespace[] = [
  { slug: 'bench-main', share: 0.7, region: 'US' },
  { slug: 'bench-mid', share: 0.18, region: 'GB' },
  { slug: 'bench-small', share: 0.09, region: 'DE' },
  { slug: 'bench-tiny', share: 0.03, region: 'US' },
];

export type BenchNamespaceSlug = 'bench-main' | 'bench-mid' | 'bench-small' | 'bench-tiny';

/** A deterministic namespace id (a v4-shaped uuid from the seed and the slug). */
export function namespaceId(seed: number, slug: string): string {
  const hex = createHash('md5').update(`audience-graph-bench:${seed}:${slug}`).digest('hex').split('');
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export interface BenchCustomField {
  readonly key: string;
  readonly type: CustomFieldType;
  readonly description: string;
  /** Flagged "indexed": gets the recommended expression index (see custom-field-indexes.ts). */
  readonly indexed: boolean;
}

/** Eight custom fields, covering every type; values follow the stored formats. */
export const BENCH_CUSTOM_FIELDS: readonly BenchCustomField[] = [
  { key: 'loyalty_tier', type: 'STRING', description: 'Loyalty programme tier (70% set; bronze, silver, gold, platinum)', indexed: true },
  { key: 'favorite_category', type: 'STRING', description: 'Most bought category (45% set)', indexed: false },
  { key: 'city', type: 'STRING', description: 'Home city (60% set, 30 values)', indexed: false },
  { key: 'lifetime_value', type: 'NUMBER', description: 'Total spend to date (80% set)', indexed: true },
  { key: 'visits', type: 'NUMBER', description: 'Store visits (65% set, whole numbers)', indexed: false },
  { key: 'vip', type: 'BOOLEAN', description: 'Hand-picked VIP (50% set, 8% of them true)', indexed: true },
  { key: 'app_installed', type: 'BOOLEAN', description: 'Has the mobile app (40% set)', indexed: false },
  { key: 'last_store_visit', type: 'DATETIME', description: 'Last visit to a physical store (30% set)', indexed: true },
];

export const FIRST_NAMES = [
  'Ana', 'Ben', 'Chloé', 'Dmitri', 'Emma', 'Farah', 'Gustavo', 'Hana', 'Ivan', 'Jade', 'Kofi', 'Lena', 'Mateo', 'Noor', 'Oscar',
  'Priya', 'Quinn', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Victor', 'Wen', 'Ximena', 'Yusuf', 'Zoë', 'José', 'Björn', 'Aiko', 'Liam',
  'Olivia', 'Noah', 'Mia', 'Lucas', 'Sofia', 'Ethan', 'Amara', 'Chen', 'Fatima', 'Mohammed',
];
export const LAST_NAMES = [
  'Lopez', "O'Brien", 'Smith-Jones', 'Nguyen', 'van der Berg', 'Kowalski', 'Okafor', 'Tanaka', 'Müller', 'Haddad', 'Smith',
  'Garcia', 'Kim', 'Rossi', 'Dubois', 'Silva', 'Ivanova', 'Cohen', 'Patel', 'Andersson',
];
export const CITIES = [
  'New York', 'London', 'Berlin', 'Paris', 'Madrid', 'Rome', 'Lisbon', 'Dublin', 'Amsterdam', 'Vienna', 'Zürich', 'Oslo', 'Stockholm',
  'Copenhagen', 'Helsinki', 'Warsaw', 'Prague', 'Budapest', 'Athens', 'Istanbul', 'Toronto', 'Chicago', 'Austin', 'Seattle', 'Boston',
  'Denver', 'Miami', 'São Paulo', 'México', 'Tokyo',
];
export const CATEGORIES = ['shoes', 'bags', 'outerwear', 'accessories', 'kids', 'home', 'beauty'];
export const TIERS = ['bronze', 'silver', 'gold', 'platinum'];
