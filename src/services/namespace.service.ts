import type { EntityManager } from '@mikro-orm/core';
import { NamespaceRow } from '../db/entities';
import { AppError, type InputProblem } from '../domain/errors';
import { textInputProblem } from '../domain/storable-text';
import { isPhoneRegion } from '../domain/phone';
import type { Role } from '../domain/permissions';
import { ApiKeyService, type IssuedKey } from './api-key.service';

export interface NamespaceInput {
  readonly slug: string;
  readonly name: string;
  readonly defaultRegion?: string | null;
}

const SLUG = /^[a-z][a-z0-9-]{1,62}$/;

/** Namespaces (brands). Creating one is a platform-admin action that also issues its first key. */
export class NamespaceService {
  constructor(private readonly em: EntityManager) {}

  async create(input: NamespaceInput, firstKeyRole: Role = 'CLIENT_ADMIN'): Promise<{ namespace: NamespaceRow; key: IssuedKey }> {
    const problems: InputProblem[] = [];
    if (!SLUG.test(input.slug)) problems.push({ path: ['input', 'slug'], message: `"${input.slug}" is not a valid slug; use 2 to 63 lower-case letters, digits and hyphens, starting with a letter` });
    const name = input.name.trim();
    const unstorable = textInputProblem(['input', 'name'], input.name);
    if (unstorable) problems.push(unstorable);
    else if (name === '' || name.length > 200) problems.push({ path: ['input', 'name'], message: 'must be 1 to 200 characters' });
    const region = (input.defaultRegion ?? 'US').toUpperCase();
    if (!isPhoneRegion(region)) problems.push({ path: ['input', 'defaultRegion'], message: `"${input.defaultRegion}" is not a known phone region; send an ISO 3166 code such as US or GB` });
    if (problems.length) throw AppError.invalidMany(problems);
    if (await this.em.findOne(NamespaceRow, { slug: input.slug })) throw AppError.conflict(`A namespace with slug "${input.slug}" already exists.`);
    return this.em.transactional(async (tx) => {
      const namespace = tx.create(NamespaceRow, { id: crypto.randomUUID(), slug: input.slug, name, defaultRegion: region, createdAt: new Date() });
      await tx.flush();
      const key = await new ApiKeyService(tx).issue(namespace.id, `${firstKeyRole.toLowerCase()} key`, firstKeyRole, 'platform-admin');
      return { namespace, key };
    });
  }

  bySlug(slug: string): Promise<NamespaceRow | null> {
    return this.em.findOne(NamespaceRow, { slug });
  }

  async isEmpty(): Promise<boolean> {
    return (await this.em.count(NamespaceRow, {})) === 0;
  }
}
