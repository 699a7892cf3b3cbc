import { NamespaceRow, type ApiKeyRow } from '../db/entities';
import type { Role } from '../domain/permissions';
import { ApiKeyService, type IssuedKey } from './api-key.service';
import { requirePermission, type Scope } from './scope';

/** API key management inside one namespace (CLIENT_ADMIN). */
export class AccessService {
  private readonly keys: ApiKeyService;

  constructor(private readonly scope: Scope) {
    this.keys = new ApiKeyService(scope.sql.em);
  }

  async namespace(): Promise<NamespaceRow> {
    return this.scope.sql.em.findOneOrFail(NamespaceRow, { id: this.scope.tenant.id });
  }

  listKeys(): Promise<ApiKeyRow[]> {
    requirePermission(this.scope, 'apiKeys:manage', 'list API keys');
    return this.keys.list(this.scope.tenant.id);
  }

  createKey(name: string, role: Role): Promise<IssuedKey> {
    requirePermission(this.scope, 'apiKeys:manage', 'create API keys');
    return this.keys.issue(this.scope.tenant.id, name, role, this.scope.actor);
  }

  revokeKey(id: string): Promise<ApiKeyRow> {
    requirePermission(this.scope, 'apiKeys:manage', 'revoke API keys');
    return this.keys.revoke(this.scope.tenant.id, id);
  }
}
