/**
 * A small fixed data set, evaluated at GOLDEN_AS_OF (Saturday 2026-11-28 12:00 UTC). Each profile
 * exists to make some condition true or false; the comments say which.
 */
import { blankProfile, emailProfile, type TestProfile } from './profiles';

export const GOLDEN_AS_OF = new Date('2026-11-28T12:00:00.000Z');

const at = (iso: string): Date => new Date(iso);

export const GOLDEN_PROFILES: readonly TestProfile[] = [
  // 1: the subscribed customer with two phones and recent purchases.
  emailProfile(1, 'Ann@Example.com', {
    columns: {
      first_name: 'Ann',
      last_name: 'Smith',
      email_status: 'SUBSCRIBED',
      email_hash_number: 5,
      has_email_delivered: true,
      has_received_email: true,
      last_purchase_date: at('2026-11-20T10:00:00Z'),
      last_email_sent: at('2026-11-27T09:00:00Z'),
      first_identified_date: at('2025-01-01T00:00:00Z'),
      birthday_month: 12,
      birthday_day: 1,
    },
    custom: { tier: 'gold', score: 75, vip: true, signup_date: '2025-06-01T00:00:00.000Z' },
    phones: [
      { phone: '+15550000001', smsStatus: 'SUBSCRIBED' },
      { phone: '+15550000002', smsStatus: 'UNSUBSCRIBED' },
    ],
    events: [
      { type: 'purchase', created: at('2026-11-25T10:00:00Z'), properties: { total: 75, category: 'shoes' } },
      { type: 'purchase', created: at('2026-11-01T10:00:00Z'), properties: { total: 20 } },
      { type: 'purchase', created: at('2025-01-01T10:00:00Z'), properties: { total: 200 } },
      { type: 'open', created: at('2026-11-27T08:00:00Z'), properties: {} },
    ],
  }),
  // 2: no email; a purchase whose total is the string "75"; birthday on New Year's Eve.
  blankProfile(2, {
    columns: { first_name: 'Émile', last_name: "O'Brien", last_purchase_date: at('2026-09-01T00:00:00Z'), birthday_month: 12, birthday_day: 31 },
    custom: { tier: 'silver', score: 10 },
    phones: [{ phone: '+15550000003', smsStatus: 'PENDING' }],
    events: [{ type: 'purchase', created: at('2026-01-01T00:00:00Z'), createdOverride: at('2026-11-26T10:00:00Z'), properties: { total: '75' } }],
  }),
  // 3: born on 29 February; vip explicitly false; last email at the very end of 27 November.
  emailProfile(3, 'bob@example.com', {
    columns: { email_hash_number: 15, last_email_sent: at('2026-11-27T23:59:59.999Z'), birthday_month: 2, birthday_day: 29 },
    custom: { vip: false },
  }),
  // 4: wildcard characters in names; opened twice; signed up exactly at asOf.
  emailProfile(4, 'x50@ex.com', {
    columns: { first_name: '50% off', last_name: 'a_b\\c', email_hash_number: 99, email_status: 'UNSUBSCRIBED', last_email_sent: at('2026-11-28T00:00:00Z') },
    custom: { city: 'Zürich', score: 50.5, signup_date: '2026-11-28T12:00:00.000Z' },
    events: [
      { type: 'open', created: at('2026-11-27T10:00:00Z'), properties: {} },
      { type: 'open', created: at('2026-11-28T11:00:00Z'), properties: {} },
    ],
  }),
  // 5: lower-case "ann", "Gold" with a capital; two big purchases this month; born 2 January.
  blankProfile(5, {
    columns: { first_name: 'ann', last_name: 'SMITH', birthday_month: 1, birthday_day: 2 },
    custom: { tier: 'Gold' },
    events: [
      { type: 'purchase', created: at('2026-11-10T10:00:00Z'), properties: { total: 60 } },
      { type: 'purchase', created: at('2026-11-11T10:00:00Z'), properties: { total: 80, category: 'SHOES' } },
    ],
  }),
  // 6: nothing at all.
  blankProfile(6),
];
