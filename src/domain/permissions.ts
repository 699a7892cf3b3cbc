/**
 * Roles and the permission matrix, in one place. Each API key carries one role in one namespace.
 *
 * | action            | VIEWER | MARKETER | DATA_MANAGER | CLIENT_ADMIN |
 * |-------------------|--------|----------|--------------|--------------|
 * | read              |   ✓    |    ✓     |      ✓       |      ✓       |
 * | segments:write    |        |    ✓     |      ✓       |      ✓       |
 * | exports:run       |        |    ✓     |      ✓       |      ✓       |
 * | profiles:write    |        |          |      ✓       |      ✓       |
 * | customFields:write|        |          |      ✓       |      ✓       |
 * | imports:run       |        |          |      ✓       |      ✓       |
 * | apiKeys:manage    |        |          |              |      ✓       |
 * | segments:explain  |        |          |              |      ✓       |
 * | profiles:forget   |        |          |              |      ✓       |
 */
export const ROLES = ['VIEWER', 'MARKETER', 'DATA_MANAGER', 'CLIENT_ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  read: ['VIEWER', 'MARKETER', 'DATA_MANAGER', 'CLIENT_ADMIN'],
  'segments:write': ['MARKETER', 'DATA_MANAGER', 'CLIENT_ADMIN'],
  'exports:run': ['MARKETER', 'DATA_MANAGER', 'CLIENT_ADMIN'],
  'profiles:write': ['DATA_MANAGER', 'CLIENT_ADMIN'],
  'customFields:write': ['DATA_MANAGER', 'CLIENT_ADMIN'],
  'imports:run': ['DATA_MANAGER', 'CLIENT_ADMIN'],
  'apiKeys:manage': ['CLIENT_ADMIN'],
  'segments:explain': ['CLIENT_ADMIN'],
  'profiles:forget': ['CLIENT_ADMIN'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
