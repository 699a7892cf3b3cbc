import type { EntityManager } from '@mikro-orm/core';
import { AppError } from '../domain/errors';
import { QueryStats, Sql, createProcessServices, createRequestServices, type ProcessServices, type RequestServices } from '../services';
import type { KeyIdentity } from '../services/api-key.service';
import type { Authentication } from '../services/auth.service';
import { NamespaceService } from '../services/namespace.service';
import { createLoaders, type Loaders } from './loaders';
import { Warnings } from './warnings';

/** Who is calling: nobody, a bad key, the platform admin (ADMIN_TOKEN), or an API key of one namespace. */
export type Caller = Authentication;

/** What the context can tell the rest of the process. */
export interface ContextHooks {
  /** An API key was revoked: forget cached keys. */
  keyRevoked(): void;
}

/**
 * The context of one GraphQL request: its own EntityManager fork, statement counter, services and
 * DataLoaders. Nothing is shared between requests.
 */
export class RequestContext {
  readonly stats: QueryStats;
  /** What the request did, for its log line (filled by `requestTracePlugin`). */
  readonly trace: { operation: string | null; errorCodes: string[] } = { operation: null, errorCodes: [] };
  /** The default `asOf` of every evaluation in this request, so they agree with each other. */
  readonly startedAt = new Date();
  /** What was left out of this request's data, and why (`extensions.warnings`). */
  readonly warnings = new Warnings();
  readonly em: EntityManager;
  private scoped: { services: RequestServices; loaders: Loaders } | undefined;
  /** Stops the request's statements: the client went away, or the deadline passed. */
  private readonly stopper = new AbortController();
  private readonly deadline: NodeJS.Timeout | undefined;
  private readonly unlisten: () => void = () => undefined;

  constructor(
    rootEm: EntityManager,
    readonly caller: Caller,
    readonly hooks: ContextHooks = { keyRevoked: () => undefined },
    private readonly shared: ProcessServices = createProcessServices(),
    requestId?: string,
    stop: { readonly clientGone?: AbortSignal; readonly timeoutMs?: number } = {},
  ) {
    this.stats = new QueryStats(requestId, this.stopper.signal);
    this.em = rootEm.fork({ loggerContext: { queryStats: this.stats } });
    const gone = stop.clientGone;
    if (gone) {
      const onGone = () => this.stopper.abort(AppError.cancelled());
      if (gone.aborted) onGone();
      gone.addEventListener('abort', onGone, { once: true });
      this.unlisten = () => gone.removeEventListener('abort', onGone);
    }
    if (stop.timeoutMs) {
      const ms = stop.timeoutMs;
      this.deadline = setTimeout(() => this.stopper.abort(AppError.timeout(ms)), ms);
      this.deadline.unref();
    }
  }

  /** The response is on its way: the deadline no longer applies. */
  finish(): void {
    clearTimeout(this.deadline);
    this.unlisten();
  }

  /** The caller's namespace slug and role, for logs (never the key). */
  describeCaller(): { namespace: string | null; role: string | null } {
    if (this.caller.kind === 'key') return { namespace: this.caller.identity.tenant.slug, role: this.caller.identity.role };
    if (this.caller.kind === 'admin') return { namespace: null, role: 'PLATFORM_ADMIN' };
    return { namespace: null, role: null };
  }

  /** The services of the caller's namespace; UNAUTHENTICATED without an API key. */
  get services(): RequestServices {
    return this.keyScope().services;
  }

  get loaders(): Loaders {
    return this.keyScope().loaders;
  }

  get identity(): KeyIdentity {
    if (this.caller.kind === 'invalid') throw AppError.unauthenticated('The API key is not valid: it is unknown or revoked.');
    if (this.caller.kind !== 'key') throw AppError.unauthenticated();
    return this.caller.identity;
  }

  /**
   * Platform-admin services. A namespace API key is authenticated but not allowed (FORBIDDEN); no
   * credential, or one that is not valid, is UNAUTHENTICATED.
   */
  get namespaces(): NamespaceService {
    const needed = 'This operation needs the platform admin token: send "Authorization: Bearer <ADMIN_TOKEN>".';
    if (this.caller.kind === 'key') throw AppError.notPermitted(`A namespace API key may not do this. ${needed}`);
    if (this.caller.kind !== 'admin') throw AppError.unauthenticated(needed);
    return new NamespaceService(this.em);
  }

  private keyScope(): { services: RequestServices; loaders: Loaders } {
    if (!this.scoped) {
      const identity = this.identity;
      const services = createRequestServices({
        sql: new Sql(this.em, this.stats),
        tenant: identity.tenant,
        role: identity.role,
        actor: `key:${identity.keyPrefix}`,
        keyId: identity.keyId,
      }, this.shared);
      this.scoped = { services, loaders: createLoaders(services) };
    }
    return this.scoped;
  }
}
