import { createHash } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { DataSource } from 'typeorm';
import { UserError } from '../errors';
import { DEV_ADMIN, type Principal } from './principal';

export interface AuthSettings {
  readonly jwtSecret: string | null;
  readonly jwksUrl: string | null;
}

/**
 * Establishes the principal of a request. Without a secret or JWKS configured the server is
 * in dev mode and everyone is the built-in admin; otherwise a Bearer JWT (HS256 with the
 * secret, or any key of the JWKS) or an X-API-Key is required.
 */
export class Authenticator {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | null;
  private readonly secret: Uint8Array | null;

  constructor(
    settings: AuthSettings,
    private readonly metadata: DataSource,
  ) {
    this.secret = settings.jwtSecret ? new TextEncoder().encode(settings.jwtSecret) : null;
    this.jwks = settings.jwksUrl ? createRemoteJWKSet(new URL(settings.jwksUrl)) : null;
  }

  get devMode(): boolean {
    return !this.secret && !this.jwks;
  }

  async authenticate(headers: { authorization?: string | undefined; apiKey?: string | undefined }): Promise<Principal> {
    if (this.devMode) return DEV_ADMIN;
    if (headers.apiKey) return this.fromApiKey(headers.apiKey);
    const match = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
    if (!match) throw new UserError('UNAUTHENTICATED', 'send Authorization: Bearer <jwt> or X-API-Key', {});
    return this.fromJwt(match[1]!.trim());
  }

  private async fromJwt(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      payload = this.secret
        ? (await jwtVerify(token, this.secret, { algorithms: ['HS256'] })).payload
        : (await jwtVerify(token, this.jwks!)).payload;
    } catch {
      throw new UserError('UNAUTHENTICATED', 'the token is invalid or expired', {});
    }
    if (!payload.sub) throw new UserError('UNAUTHENTICATED', 'the token has no subject (sub)', {});
    const roles = Array.isArray(payload['roles']) ? payload['roles'].map(String) : typeof payload['role'] === 'string' ? [payload['role']] : [];
    const attributes = typeof payload['attributes'] === 'object' && payload['attributes'] !== null ? (payload['attributes'] as Record<string, unknown>) : {};
    return { id: payload.sub, roles, attributes, via: 'jwt' };
  }

  private async fromApiKey(key: string): Promise<Principal> {
    const hash = createHash('sha256').update(key).digest('hex');
    const rows: Array<{ subject: string; roles: string[]; attributes: Record<string, unknown> }> = await this.metadata.query(
      'SELECT subject, roles, attributes FROM northstar.api_key WHERE key_hash = $1 AND revoked_at IS NULL',
      [hash],
    );
    const row = rows[0];
    if (!row) throw new UserError('UNAUTHENTICATED', 'the API key is unknown or revoked', {});
    return { id: row.subject, roles: row.roles, attributes: row.attributes, via: 'api-key' };
  }
}
