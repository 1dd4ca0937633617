// API tokens. A token is 32 random bytes (base64url, prefixed `shl_`); the
// store keeps only its SHA-256, so a copy of the database gives no access. A
// presented token is hashed, looked up by hash and compared in constant time.
// Revoking keeps the document (who created and revoked it, when) but the
// token stops working at once, in every process (no cache).
//
// The first admin token: SHOTLINE_ADMIN_TOKEN, stored (hashed) at every start
// under a fixed id, so changing the variable replaces the previous one. When
// the variable is unset and no usable token exists, one is generated and
// written to `<data dir>/admin-token` (mode 0600); only the file's path is
// logged, never the token.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { Collection, Store } from '../store/types.ts';
import type { StoreLogger } from '../store/support.ts';
import type { TokenRole } from './roles.ts';

export interface TokenDoc {
  _id: string;
  name: string;
  role: TokenRole;
  /** SHA-256 of the token, hex */
  hash: string;
  /** the token's first characters, to recognise it in a list */
  prefix: string;
  createdAt: string;
  createdBy: string;
  revoked: boolean;
  revokedAt: string | null;
  revokedBy: string | null;
}

export type TokenInfo = Omit<TokenDoc, '_id' | 'hash'> & { id: string };

/** The id under which SHOTLINE_ADMIN_TOKEN is stored. */
export const ENV_ADMIN_TOKEN_ID = 'admin-env';
export const ADMIN_TOKEN_FILE = 'admin-token';

const TOKEN_PREFIX = 'shl_';
/** What a presented token may look like (anything else is refused without a lookup). */
const TOKEN_SHAPE = /^[\x21-\x7e]{16,256}$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

function info(doc: TokenDoc): TokenInfo {
  const { _id, hash: _hash, ...rest } = doc;
  return { id: _id, ...rest };
}

export class TokenService {
  readonly #tokens: Collection<TokenDoc>;

  constructor(store: Store) {
    this.#tokens = store.collection<TokenDoc>('api_tokens');
  }

  init(): Promise<void> {
    return this.#tokens.createIndexes([{ keys: { hash: 1 }, unique: true, name: 'hash' }]);
  }

  /** Issues a token; the returned `token` is shown once and never stored. */
  async create(input: { name: string; role: TokenRole }, by: string): Promise<TokenInfo & { token: string }> {
    const token = newToken();
    const doc: TokenDoc = {
      _id: uuidv7(),
      name: input.name,
      role: input.role,
      hash: hashToken(token),
      prefix: token.slice(0, TOKEN_PREFIX.length + 4),
      createdAt: new Date().toISOString(),
      createdBy: by,
      revoked: false,
      revokedAt: null,
      revokedBy: null,
    };
    await this.#tokens.insertOne(doc);
    return { ...info(doc), token };
  }

  async list(options: { includeRevoked?: boolean } = {}): Promise<TokenInfo[]> {
    const docs = await this.#tokens.find(options.includeRevoked ? {} : { revoked: false }, { sort: { createdAt: 1, _id: 1 } });
    return docs.map(info);
  }

  /** Revokes a token; null when there is none with that id. Revoking twice keeps the first revocation. */
  async revoke(id: string, by: string): Promise<TokenInfo | null> {
    const now = new Date().toISOString();
    const doc = await this.#tokens.findOneAndUpdate({ _id: id, revoked: false }, { $set: { revoked: true, revokedAt: now, revokedBy: by } });
    if (doc) return info(doc);
    const existing = await this.#tokens.findOne({ _id: id });
    return existing ? info(existing) : null;
  }

  /** The token's document if `token` is a valid, unrevoked token. */
  async verify(token: string): Promise<TokenDoc | null> {
    if (!TOKEN_SHAPE.test(token)) return null;
    const hash = hashToken(token);
    const doc = await this.#tokens.findOne({ hash });
    if (!doc || doc.revoked) return null;
    const a = Buffer.from(doc.hash, 'hex');
    const b = Buffer.from(hash, 'hex');
    return a.length === b.length && timingSafeEqual(a, b) ? doc : null;
  }

  /**
   * The first admin: stores `adminToken` (SHOTLINE_ADMIN_TOKEN) when given;
   * otherwise, when no usable token exists, generates one into
   * `<dataDir>/admin-token`. Returns that file's path when it wrote one.
   */
  async bootstrap(options: { adminToken?: string | undefined; dataDir: string; logger: StoreLogger }): Promise<string | null> {
    const { adminToken, dataDir, logger } = options;
    if (adminToken) {
      const hash = hashToken(adminToken);
      const current = await this.#tokens.findOne({ _id: ENV_ADMIN_TOKEN_ID });
      if (current && current.hash === hash && !current.revoked) return null;
      await this.#tokens.updateOne(
        { _id: ENV_ADMIN_TOKEN_ID },
        {
          $set: {
            name: 'admin',
            role: 'admin',
            hash,
            prefix: adminToken.slice(0, 4),
            createdAt: new Date().toISOString(),
            createdBy: 'SHOTLINE_ADMIN_TOKEN',
            revoked: false,
            revokedAt: null,
            revokedBy: null,
          },
        },
        { upsert: true },
      );
      logger.info({ id: ENV_ADMIN_TOKEN_ID }, current ? 'admin token from SHOTLINE_ADMIN_TOKEN replaced the previous one' : 'admin token from SHOTLINE_ADMIN_TOKEN stored');
      return null;
    }
    if ((await this.#tokens.count({ revoked: false })) > 0) return null;
    const token = newToken();
    const file = join(dataDir, ADMIN_TOKEN_FILE);
    const tmp = `${file}.${process.pid}.tmp`;
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.chmod(0o600);
      await handle.writeFile(`${token}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await this.#tokens.insertOne({
        _id: uuidv7(),
        name: 'admin',
        role: 'admin',
        hash: hashToken(token),
        prefix: token.slice(0, TOKEN_PREFIX.length + 4),
        createdAt: new Date().toISOString(),
        createdBy: 'generated at start',
        revoked: false,
        revokedAt: null,
        revokedBy: null,
      });
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    await rename(tmp, file);
    logger.warn({ file }, 'no API token existed: generated an admin token into this file (send it as Authorization: Bearer <token>; set SHOTLINE_ADMIN_TOKEN to choose your own)');
    return file;
  }
}
