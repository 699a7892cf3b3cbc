import { identityKey, type StagedProfile, type StandardColumn } from './profile-input';

/**
 * Folds a batch of staged writes into one write per identity, with the result a client would get
 * by applying the writes one after another: later values win, phones accumulate, and an email-less
 * write joins the email write in the same batch that names its phone.
 *
 * The SQL identity resolution then needs only one row per identity, and no phone in two rows.
 */
export interface ConsolidatedBatch {
  /** One write per identity, each with the input positions it stands for. */
  readonly groups: readonly { readonly staged: StagedProfile; readonly positions: readonly number[] }[];
  /** Writes refused inside the batch, by input position. */
  readonly conflicts: ReadonlyMap<number, { readonly phone: string; readonly otherPosition: number }>;
}

interface Group {
  staged: StagedProfile;
  positions: number[];
}

/**
 * `admit`, when given, is asked about each write in input order, before its phones are checked
 * (as a write sent alone is checked before identity resolution finds a conflict): it returns how
 * to record the write, called once the write joins a group, or undefined to leave the write out
 * as if it had not been sent (the caller reports it).
 */
export function consolidateBatch(writes: readonly (StagedProfile | undefined)[], admit?: (position: number, write: StagedProfile) => (() => void) | undefined): ConsolidatedBatch {
  const groups = new Map<string, Group>();
  const phoneOwner = new Map<string, string>();
  const conflicts = new Map<number, { phone: string; otherPosition: number }>();

  writes.forEach((write, position) => {
    if (!write) return;
    const record = admit ? admit(position, write) : undefined;
    if (admit && !record) return;
    let key = identityKey(write);
    if (write.emailNormalized === null) key = phoneOwner.get(write.phones[0]!) ?? key;

    for (const phone of write.phones) {
      const other = groups.get(phoneOwner.get(phone) ?? key);
      if (other && other !== groups.get(key) && other.staged.emailNormalized !== null && !write.movePhones) {
        conflicts.set(position, { phone, otherPosition: other.positions[other.positions.length - 1]! });
        return;
      }
    }
    record?.();

    let group = groups.get(key);
    for (const phone of write.phones) {
      const otherKey = phoneOwner.get(phone);
      if (otherKey === undefined || otherKey === key) continue;
      const other = groups.get(otherKey)!;
      if (other.staged.emailNormalized === null) {
        // A phone-only profile named with an email: it is promoted, or merged into the email's profile (which wins).
        groups.delete(otherKey);
        if (!group) group = other;
        else {
          // As one by one: an email's profile wins over a phone-only one, and of two phone-only
          // profiles the older (first written) is promoted and absorbs the other.
          const otherWins = group.staged.emailNormalized === null && other.positions[0]! < group.positions[0]!;
          const [loser, winner] = otherWins ? [group, other] : [other, group];
          group = { staged: mergeWrites(loser.staged, winner.staged), positions: [...other.positions, ...group.positions].sort((x, y) => x - y) };
        }
        for (const p of other.staged.phones) phoneOwner.set(p, key);
      } else {
        other.staged = { ...other.staged, phones: other.staged.phones.filter((p) => p !== phone) };
      }
    }
    group = group ? { staged: mergeWrites(group.staged, write), positions: [...group.positions, position] } : { staged: write, positions: [position] };
    groups.set(key, group);
    for (const phone of write.phones) phoneOwner.set(phone, key);
  });

  const ordered = [...groups.values()].sort((a, b) => a.positions[0]! - b.positions[0]!);
  return { groups: ordered, conflicts };
}

function mergeWrites(a: StagedProfile, b: StagedProfile): StagedProfile {
  const setFields = [...new Set<StandardColumn>([...a.setFields, ...b.setFields])];
  const pick = <K extends 'firstName' | 'lastName' | 'birthdayDay' | 'birthdayMonth'>(key: K, column: StandardColumn): StagedProfile[K] =>
    b.setFields.includes(column) ? b[key] : a[key];
  const customSet: Record<string, string | number | boolean> = { ...a.customSet };
  for (const key of b.customUnset) delete customSet[key];
  Object.assign(customSet, b.customSet);
  const customUnset = [...a.customUnset.filter((k) => !(k in b.customSet)), ...b.customUnset.filter((k) => !a.customUnset.includes(k))];
  const email = b.emailNormalized !== null ? b : a;
  return {
    email: email.email,
    emailNormalized: email.emailNormalized,
    emailHash: email.emailHash,
    phones: [...new Set([...a.phones, ...b.phones])],
    setFields,
    firstName: pick('firstName', 'first_name'),
    lastName: pick('lastName', 'last_name'),
    birthdayDay: pick('birthdayDay', 'birthday_day'),
    birthdayMonth: pick('birthdayMonth', 'birthday_month'),
    customSet,
    customUnset,
    movePhones: a.movePhones || b.movePhones,
  };
}
