import { toCompileForm } from '../src/audience';
import { compileAudience, type AudienceQuery } from '../src/audience/compiler';
import type { Database } from '../src/db/database';
import { Sql } from '../src/db/sql';
import { checkEmail } from '../src/domain/email';
import { foldCase } from '../src/text/case-fold';
import { createRequestServices, type RequestServices } from '../src/services';
import { namespaceCatalog } from '../src/services/field-catalog';
import type { Scope } from '../src/services/scope';

/** The services of one "request" in a namespace, as the GraphQL context would build them. */
export function servicesFor(db: Database, namespace: { id: string; slug: string; region?: string }, role: Scope['role'] = 'CLIENT_ADMIN'): RequestServices {
  return createRequestServices({
    sql: new Sql(db.orm.em.fork()),
    tenant: { id: namespace.id, slug: namespace.slug, defaultRegion: namespace.region ?? 'US' },
    role,
    actor: 'bench',
  });
}

/** The email normalization `SegmentService` passes to the compiler. */
function normalizeEmail(value: string): string {
  const checked = checkEmail(value);
  return checked.ok ? checked.normalized : foldCase(value.trim());
}

/**
 * Compiles a definition exactly as `SegmentService` does (validate, inline saved segments,
 * compile with the namespace catalog). The suite checks the count statement against the
 * service's own `explain` output, so what is timed is what the service runs.
 */
export async function compileLikeService(services: RequestServices, expression: string, asOf: Date): Promise<AudienceQuery> {
  const checked = await services.segments.validate({ expression });
  if (checked.errors.length || !checked.inlined) throw new Error(`invalid reference segment "${expression}": ${checked.errors.map((e) => e.message).join(' ')}`);
  const catalog = namespaceCatalog(await services.customFields.list());
  return compileAudience(toCompileForm(checked.inlined), { catalog, asOf, namespaceId: services.scope.tenant.id, normalizeEmail });
}
