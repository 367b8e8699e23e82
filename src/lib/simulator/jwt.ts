/**
 * RequestAuthentication at a waypoint (SEMANTICS §6): a missing token passes with no identity; a present token
 * that fails issuer, audience, time or signature checks gets 401. The signature is verified with WebCrypto when
 * the rule carries inline `jwks`; with only `jwksUri` the simulator cannot fetch keys and marks the token trusted.
 */
import { getArray, getObject, getString } from '../model/access.ts';
import type { JsonObject, JsonValue, Resource } from '../model/types.ts';
import type { JwtAuth } from './authz.ts';

export type JwtOutcome =
  | { readonly status: 'absent' }
  | {
      readonly status: 'valid';
      readonly auth: JwtAuth;
      readonly by: Resource;
      readonly rule: number;
      readonly verified: boolean;
    }
  | { readonly status: 'invalid'; readonly why: string; readonly by?: Resource; readonly rule?: number };

function b64urlBytes(s: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return undefined;
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4);
  try {
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

function b64urlJson(s: string): JsonObject | undefined {
  const bytes = b64urlBytes(s);
  if (!bytes) return undefined;
  try {
    const v = JSON.parse(new TextDecoder().decode(bytes)) as JsonValue;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export interface DecodedJwt {
  readonly header: JsonObject;
  readonly payload: JsonObject;
  readonly signingInput: string;
  readonly signature: Uint8Array;
}

export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return undefined;
  const header = b64urlJson(parts[0]!);
  const payload = b64urlJson(parts[1]!);
  const signature = b64urlBytes(parts[2]!);
  if (!header || !payload || !signature) return undefined;
  return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature };
}

const ALGS: Record<
  string,
  { import: RsaHashedImportParams | EcKeyImportParams; verify: AlgorithmIdentifier | RsaPssParams | EcdsaParams }
> = {
  RS256: { import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, verify: { name: 'RSASSA-PKCS1-v1_5' } },
  RS384: { import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' }, verify: { name: 'RSASSA-PKCS1-v1_5' } },
  RS512: { import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' }, verify: { name: 'RSASSA-PKCS1-v1_5' } },
  PS256: { import: { name: 'RSA-PSS', hash: 'SHA-256' }, verify: { name: 'RSA-PSS', saltLength: 32 } },
  ES256: { import: { name: 'ECDSA', namedCurve: 'P-256' }, verify: { name: 'ECDSA', hash: 'SHA-256' } },
  ES384: { import: { name: 'ECDSA', namedCurve: 'P-384' }, verify: { name: 'ECDSA', hash: 'SHA-384' } },
};

async function verifySignature(jwt: DecodedJwt, jwksText: string): Promise<string | undefined> {
  const alg = getString(jwt.header, ['alg']) ?? '';
  // Own entries only: an alg named `constructor` or `__proto__` is just unsupported.
  const spec = Object.prototype.hasOwnProperty.call(ALGS, alg) ? ALGS[alg] : undefined;
  if (!spec) return `unsupported or unsafe alg "${alg}"`;
  let jwks: JsonValue;
  try {
    jwks = JSON.parse(jwksText) as JsonValue;
  } catch {
    return 'the inline jwks is not valid JSON';
  }
  const kid = getString(jwt.header, ['kid']);
  const keys = getArray(jwks, ['keys']).filter((k) => kid === undefined || getString(k, ['kid']) === kid);
  if (!keys.length) return kid ? `no key with kid "${kid}" in the inline jwks` : 'the inline jwks has no keys';
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return 'WebCrypto is not available here';
  const data = new TextEncoder().encode(jwt.signingInput);
  for (const k of keys) {
    try {
      const key = await subtle.importKey('jwk', k as JsonWebKey, spec.import, false, ['verify']);
      if (await subtle.verify(spec.verify, key, jwt.signature as Uint8Array<ArrayBuffer>, data)) return undefined;
    } catch {
      // A key of another type or curve: try the next one.
    }
  }
  return 'signature does not verify against the inline jwks';
}

function audiencesOf(payload: JsonObject): string[] {
  const aud = payload.aud;
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}

/**
 * Find the token where some rule looks for it: its `fromHeaders` / `fromParams`, or, when a rule sets neither,
 * the defaults `Authorization: Bearer …` and the `access_token` query parameter (istio/api
 * security/v1/request_authentication.proto, JWTRule fromHeaders/fromParams).
 */
export function tokenFrom(
  headers: ReadonlyMap<string, string>,
  query: ReadonlyMap<string, string>,
  rules: readonly { rule: JsonObject }[],
): string | undefined {
  for (const { rule } of rules) {
    const fromHeaders = getArray(rule, ['fromHeaders']);
    const fromParams = getArray(rule, ['fromParams']).map(String);
    const custom = fromHeaders.length > 0 || fromParams.length > 0;
    const headerLocations = custom
      ? fromHeaders.map((h) => ({
          name: (getString(h, ['name']) ?? '').toLowerCase(),
          prefix: getString(h, ['prefix']) ?? '',
        }))
      : [{ name: 'authorization', prefix: 'Bearer ' }];
    for (const { name, prefix } of headerLocations) {
      const v = headers.get(name);
      if (v !== undefined && v.toLowerCase().startsWith(prefix.toLowerCase())) return v.slice(prefix.length).trim();
    }
    for (const param of custom ? fromParams : ['access_token']) {
      const v = query.get(param);
      if (v !== undefined && v !== '') return v;
    }
  }
  return undefined;
}

/** A token that passed every check but the signature, which needs WebCrypto (async). */
interface PendingSignature {
  readonly status: 'verify';
  readonly jwt: DecodedJwt;
  readonly jwks: string;
  readonly by: Resource;
  readonly rule: number;
  /** The outcome once the signature verifies. */
  readonly valid: JwtOutcome;
}

/** Every check that needs no WebCrypto, in the order the proxy applies them; the signature is left pending. */
function checkJwt(
  token: string | undefined,
  policies: readonly Resource[],
  nowSeconds: number,
): JwtOutcome | PendingSignature {
  if (token === undefined) return { status: 'absent' };
  const jwt = decodeJwt(token);
  if (!jwt) return { status: 'invalid', why: 'the token is not a well-formed JWT' };
  const iss = getString(jwt.payload, ['iss']);
  for (const r of policies) {
    const rules = getArray(r.obj, ['spec', 'jwtRules']);
    for (let i = 0; i < rules.length; i++) {
      const rule = getObject(rules[i], []) ?? {};
      if (getString(rule, ['issuer']) !== iss) continue;
      const bad = (why: string): JwtOutcome => ({ status: 'invalid', why, by: r, rule: i });
      const wanted = getArray(rule, ['audiences']).map(String);
      const auds = audiencesOf(jwt.payload);
      if (wanted.length && !auds.some((a) => wanted.includes(a)))
        return bad(`aud ${JSON.stringify(auds)} is not one of ${JSON.stringify(wanted)}`);
      const exp = jwt.payload.exp;
      if (typeof exp === 'number' && exp <= nowSeconds) return bad('the token has expired (exp)');
      const nbf = jwt.payload.nbf;
      if (typeof nbf === 'number' && nbf > nowSeconds) return bad('the token is not valid yet (nbf)');
      const jwks = getString(rule, ['jwks']);
      const sub = getString(jwt.payload, ['sub']) ?? '';
      const azp = getString(jwt.payload, ['azp']);
      const valid = (verified: boolean): JwtOutcome => ({
        status: 'valid',
        by: r,
        rule: i,
        verified,
        auth: {
          principal: `${iss}/${sub}`,
          claims: jwt.payload,
          audiences: auds,
          ...(azp !== undefined ? { presenter: azp } : {}),
        },
      });
      if (jwks !== undefined) return { status: 'verify', jwt, jwks, by: r, rule: i, valid: valid(true) };
      return valid(false);
    }
  }
  return { status: 'invalid', why: `no jwtRule accepts issuer ${JSON.stringify(iss ?? null)}` };
}

/**
 * The outcome without WebCrypto, or undefined when the token's signature must be verified against an inline
 * `jwks` (then use validateJwt).
 */
export function validateJwtSync(
  token: string | undefined,
  policies: readonly Resource[],
  nowSeconds: number,
): JwtOutcome | undefined {
  const r = checkJwt(token, policies, nowSeconds);
  return r.status === 'verify' ? undefined : r;
}

export async function validateJwt(
  token: string | undefined,
  policies: readonly Resource[],
  nowSeconds: number,
): Promise<JwtOutcome> {
  const r = checkJwt(token, policies, nowSeconds);
  if (r.status !== 'verify') return r;
  const err = await verifySignature(r.jwt, r.jwks);
  return err ? { status: 'invalid', why: err, by: r.by, rule: r.rule } : r.valid;
}
