import { createHash, randomBytes } from 'node:crypto';
import {
  ForbiddenError,
  NotFoundError,
  OriginNotAllowedError,
  UnauthorizedError,
  originAllowed,
  type ApiKeyRecord,
  type NewApiKey,
  type NewSdkKey,
  type Role,
  type SdkKeyRecord,
} from '../domain/index.ts';
import type { Deps } from './deps.ts';

const API_KEY_PREFIX = 'upk_';
const SDK_KEY_PREFIX = 'ups_';

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function newKey(prefix: string): { key: string; hash: string; id: string } {
  const key = prefix + randomBytes(24).toString('base64url');
  const hash = hashKey(key);
  return { key, hash, id: hash.slice(0, 12) };
}

/** Hides the hash: listings show the id, label, role or origins and dates. */
const withoutHash = <T extends { hash: string }>({ hash: _hash, ...record }: T): Omit<T, 'hash'> => record;
const publicApiKey = withoutHash<ApiKeyRecord>;
const publicSdkKey = withoutHash<SdkKeyRecord>;

/** Creates a management key; the key is returned this once and only its SHA-256 is stored. */
export async function createApiKey(deps: Deps, request: NewApiKey): Promise<ReturnType<typeof publicApiKey> & { key: string }> {
  const { key, hash, id } = newKey(API_KEY_PREFIX);
  const record: ApiKeyRecord = { id, hash, label: request.label, role: request.role, createdAt: deps.clock().toISOString() };
  await deps.store.putApiKey(record);
  return { ...publicApiKey(record), key };
}

export async function listApiKeys(deps: Deps) {
  return (await deps.store.listApiKeys()).map(publicApiKey).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export async function revokeApiKey(deps: Deps, id: string) {
  const revoked = await deps.store.revokeApiKey(id, deps.clock().toISOString());
  if (!revoked) throw new NotFoundError(`No API key with id "${id}".`);
  return publicApiKey(revoked);
}

export async function createSdkKey(deps: Deps, request: NewSdkKey): Promise<ReturnType<typeof publicSdkKey> & { key: string }> {
  const { key, hash, id } = newKey(SDK_KEY_PREFIX);
  const record: SdkKeyRecord = { id, hash, label: request.label, origins: request.origins, createdAt: deps.clock().toISOString() };
  await deps.store.putSdkKey(record);
  deps.sdkKeys.invalidate();
  return { ...publicSdkKey(record), key };
}

export async function listSdkKeys(deps: Deps) {
  return (await deps.store.listSdkKeys()).map(publicSdkKey).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export async function revokeSdkKey(deps: Deps, id: string) {
  const revoked = await deps.store.revokeSdkKey(id, deps.clock().toISOString());
  deps.sdkKeys.invalidate();
  if (!revoked) throw new NotFoundError(`No SDK key with id "${id}".`);
  return publicSdkKey(revoked);
}

/** Checks a management key and its role: analysts read, admins also write. */
export async function authenticate(deps: Deps, bearer: string | undefined, required: Role): Promise<ApiKeyRecord> {
  if (!bearer?.startsWith(API_KEY_PREFIX)) throw new UnauthorizedError();
  const hash = hashKey(bearer);
  const record = await deps.store.getApiKey(hash);
  if (!record || record.revokedAt) throw new UnauthorizedError('This API key is unknown or revoked.');
  if (required === 'admin' && record.role !== 'admin') throw new ForbiddenError('This action needs an admin key; yours is an analyst key (read only).');
  return record;
}

/** Checks a public SDK key and that the calling page's origin is on its allow-list. */
export async function authorizeSdk(deps: Deps, key: string | undefined, origin: string | undefined): Promise<SdkKeyRecord> {
  if (!key?.startsWith(SDK_KEY_PREFIX)) throw new UnauthorizedError('A valid SDK key is required: add ?key=<sdk key> to the URL.');
  const hash = hashKey(key);
  const record = await deps.sdkKeys.get(hash);
  if (!record || record.revokedAt) throw new UnauthorizedError('This SDK key is unknown or revoked.');
  if (!originAllowed(origin, record.origins)) throw new OriginNotAllowedError(origin ?? '');
  return record;
}
