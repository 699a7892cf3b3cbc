import type { EntityManager } from '@mikro-orm/core';
import { Sql } from '../db/sql';
import type { CustomFieldType } from '../domain/custom-fields';
import type { EventInput } from '../domain/event-input';
import type { ProfileWrite } from '../domain/profile-input';
import { createRequestServices } from './index';
import { NamespaceService } from './namespace.service';

export const DEMO_PROFILES = 300;

const FIRST = ['Ana', 'Ben', 'Chloé', 'Dmitri', 'Emma', 'Farah', 'Gustavo', 'Hana', 'Ivan', 'Jade', 'Kofi', 'Lena', 'Mateo', 'Noor', 'Oscar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tariq'];
const LAST = ['Lopez', "O'Brien", 'Smith-Jones', 'Nguyen', 'van der Berg', 'Kowalski', 'Okafor', 'Tanaka', 'Müller', 'Haddad'];
const TIERS = ['bronze', 'silver', 'gold', 'platinum'];
const CATEGORIES = ['shoes', 'bags', 'outerwear', 'accessories', 'kids'];

/** A small seeded generator (mulberry32), so the demo data (and the bench's files) are the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * On first start with an empty database: creates the `demo` namespace with a few hundred
 * generated profiles (some phone-only), custom fields, consent states and events, and returns
 * its CLIENT_ADMIN key. Returns null when the database already has a namespace.
 */
export async function seedDemoIfEmpty(em: EntityManager, logger: { info(m: string): void }, profiles = DEMO_PROFILES): Promise<string | null> {
  const namespaces = new NamespaceService(em);
  if (!(await namespaces.isEmpty())) return null;
  const { namespace, key } = await namespaces.create({ slug: 'demo', name: 'Demo Brand', defaultRegion: 'US' });
  const services = createRequestServices({
    sql: new Sql(em.fork()),
    tenant: { id: namespace.id, slug: namespace.slug, defaultRegion: namespace.defaultRegion },
    role: 'CLIENT_ADMIN',
    actor: 'system:demo-seed',
  });
  const fields: [string, CustomFieldType, string][] = [
    ['loyalty_tier', 'STRING', 'Loyalty programme tier'],
    ['lifetime_value', 'NUMBER', 'Total spend to date'],
    ['vip', 'BOOLEAN', 'Hand-picked VIP customer'],
    ['favorite_category', 'STRING', 'Most bought category'],
    ['last_store_visit', 'DATETIME', 'Last visit to a physical store'],
  ];
  for (const [fieldKey, type, description] of fields) await services.customFields.define({ key: fieldKey, type, description, indexed: fieldKey === 'loyalty_tier' });

  const rnd = seededRandom(20261128);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const writes: ProfileWrite[] = [];
  const events: EventInput[] = [];
  const day = 86_400_000;
  const now = Date.UTC(2026, 10, 28);
  for (let i = 0; i < profiles; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const phoneOnly = i % 10 === 9;
    const phone = `+1415555${String(1000 + i).padStart(4, '0')}`;
    const email = `${first.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}.${i}@example.com`;
    writes.push({
      email: phoneOnly ? null : email,
      phones: phoneOnly || rnd() < 0.4 ? [phone] : [],
      firstName: rnd() < 0.9 ? first : null,
      lastName: rnd() < 0.8 ? last : null,
      birthdayMonth: rnd() < 0.6 ? 1 + Math.floor(rnd() * 12) : null,
      birthdayDay: null,
      custom: {
        loyalty_tier: rnd() < 0.7 ? pick(TIERS) : null,
        lifetime_value: rnd() < 0.8 ? Math.round(rnd() * 200000) / 100 : null,
        vip: rnd() < 0.5 ? rnd() < 0.1 : null,
        favorite_category: rnd() < 0.5 ? pick(CATEGORIES) : null,
        last_store_visit: rnd() < 0.3 ? new Date(now - Math.floor(rnd() * 400) * day).toISOString() : null,
      },
    });
    const identity = phoneOnly ? { phone } : { email };
    const purchases = Math.floor(rnd() * rnd() * 6);
    for (let p = 0; p < purchases; p++) {
      events.push({ ...identity, type: 'purchase', created: new Date(now - Math.floor(rnd() * 365 * day)).toISOString(), properties: { total: Math.round(rnd() * 30000) / 100, category: pick(CATEGORIES) }, clientEventId: `demo-${i}-p${p}` });
    }
    if (!phoneOnly && rnd() < 0.7) {
      events.push({ email, type: 'email_sent', created: new Date(now - Math.floor(rnd() * 60 * day)).toISOString() });
      if (rnd() < 0.9) events.push({ email, type: 'email_delivered', created: new Date(now - Math.floor(rnd() * 60 * day)).toISOString() });
    }
  }
  // Birthdays: a valid day for the month.
  writes.forEach((w) => {
    if (w.birthdayMonth) (w as { birthdayDay: number }).birthdayDay = 1 + Math.floor(rnd() * 28);
  });
  for (let i = 0; i < writes.length; i += 500) await services.profiles.upsertMany(writes.slice(i, i + 500), undefined, 'IMPORT');
  for (let i = 0; i < events.length; i += 1000) await services.events.track(events.slice(i, i + 1000));
  for (let i = 0; i < profiles; i++) {
    const w = writes[i]!;
    if (w.email && rnd() < 0.5) await services.consent.setEmailStatus({ email: w.email, status: rnd() < 0.8 ? 'SUBSCRIBED' : 'UNSUBSCRIBED', source: 'FORM' });
    if (w.phones?.length && rnd() < 0.5) await services.consent.setSmsStatus({ phone: w.phones[0]!, status: pick(['PENDING', 'SUBSCRIBED', 'UNSUBSCRIBED'] as const), source: 'FORM' });
  }
  const segments: [string, string, string][] = [
    ['Subscribed buyers', 'Subscribed to email and bought in the last year', 'email_status = "SUBSCRIBED" and did purchase within last 12 months'],
    ['Gold and platinum', 'Top loyalty tiers', 'custom.loyalty_tier in ("gold", "platinum")'],
    ['Holdout 10%', 'A stable 10% holdout group by email hash', 'email_hash_number < 10'],
    ['Lapsed shoe buyers', 'Bought shoes before, nothing in the last 90 days', 'did purchase where (category = "shoes") and did not purchase within last 90 days'],
  ];
  for (const [name, description, expression] of segments) await services.segments.create({ name, description, definition: { expression } });
  logger.info(`Created the demo namespace with ${profiles} profiles, ${events.length} events and ${segments.length} segments.`);
  return key.secret;
}
