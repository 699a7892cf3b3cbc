import { randomBytes } from 'node:crypto';
import type { Database } from '../../src/db/database';
import { QueryStats, Sql } from '../../src/db/sql';
import type { Role } from '../../src/domain/permissions';
import { NamespaceService } from '../../src/services/namespace.service';
import type { Scope, Tenant } from '../../src/services/scope';

/** A fresh namespace per test keeps tests independent on a shared database. */
export async function createTenant(db: Database, defaultRegion = 'US'): Promise<Tenant & { adminKey: string }> {
  const em = db.orm.em.fork();
  const slug = `t-${randomBytes(5).toString('hex')}`;
  const { namespace, key } = await new NamespaceService(em).create({ slug, name: `Test ${slug}`, defaultRegion });
  return { id: namespace.id, slug: namespace.slug, defaultRegion: namespace.defaultRegion, adminKey: key.secret };
}

/** A service scope on its own EntityManager fork, as one request would have. */
export function scopeFor(db: Database, tenant: Tenant, role: Role = 'CLIENT_ADMIN'): Scope & { stats: QueryStats } {
  const stats = new QueryStats();
  const em = db.orm.em.fork({ loggerContext: { queryStats: stats } });
  return { sql: new Sql(em, stats), tenant, role, actor: `test:${role.toLowerCase()}`, stats };
}
