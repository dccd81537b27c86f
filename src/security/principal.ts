/** Who is asking: from a JWT, an API key, or the built-in admin of dev mode. */
export interface Principal {
  readonly id: string;
  readonly roles: readonly string[];
  readonly attributes: Readonly<Record<string, unknown>>;
  /** How the principal was established. */
  readonly via: 'dev' | 'jwt' | 'api-key';
}

export const DEV_ADMIN: Principal = { id: 'dev-admin', roles: ['admin'], attributes: {}, via: 'dev' };

/** Roles that may publish definitions. */
export function canPublish(principal: Principal): boolean {
  return principal.roles.includes('admin') || principal.roles.includes('publisher');
}

/** Roles that may see generated SQL. */
export function canSeeSql(principal: Principal): boolean {
  return ['admin', 'publisher', 'analyst', 'developer'].some((r) => principal.roles.includes(r));
}
