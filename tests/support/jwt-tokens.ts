// JWT test tokens, made at run time (no token is stored here; the require-jwt lab keeps its own signed tokens in
// labs/require-jwt/tokens.ts): a key pair with its public half as an inline `jwks`, a signer for it, and unsigned
// tokens for RequestAuthentication rules that only name a `jwksUri` (the simulator trusts those and says so).

/** The issuer the simulator tests use. */
export const ISSUER = 'https://issuer.example.com';

/** base64url of a JSON value, as a JWS header or payload segment. */
export const b64urlJson = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
/** base64url of a string as it is (for hostile payloads that are not JSON.stringify's output). */
export const b64url = (s: string): string => Buffer.from(s).toString('base64url');

/** A token with an RS256 header, this payload text and an empty signature. */
export const unsignedToken = (payloadJson: string): string =>
  `${b64url('{"alg":"RS256","typ":"JWT"}')}.${b64url(payloadJson)}.`;

export interface TestSigner {
  /** `{"keys":[…]}` with the public key (kid k1), for a rule's inline `jwks`. */
  readonly jwks: string;
  readonly sign: (payload: Record<string, unknown>) => Promise<string>;
}

const ALGS = {
  RS256: {
    gen: {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    } as RsaHashedKeyGenParams,
    sign: { name: 'RSASSA-PKCS1-v1_5' } as AlgorithmIdentifier,
    header: { alg: 'RS256', typ: 'JWT', kid: 'k1' },
    jwk: { kid: 'k1', alg: 'RS256', use: 'sig' },
  },
  ES256: {
    gen: { name: 'ECDSA', namedCurve: 'P-256' } as EcKeyGenParams,
    sign: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
    header: { alg: 'ES256', kid: 'k1' },
    jwk: { kid: 'k1', alg: 'ES256' },
  },
} as const;

/** A fresh key pair (WebCrypto) and a signer for it. */
export async function testSigner(alg: keyof typeof ALGS = 'RS256'): Promise<TestSigner> {
  const a = ALGS[alg];
  const pair = (await crypto.subtle.generateKey(a.gen, true, ['sign', 'verify'])) as CryptoKeyPair;
  const pub = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return {
    jwks: JSON.stringify({ keys: [{ ...pub, ...a.jwk }] }),
    sign: async (payload) => {
      const input = `${b64urlJson(a.header)}.${b64urlJson(payload)}`;
      const sig = await crypto.subtle.sign(a.sign, pair.privateKey, new TextEncoder().encode(input));
      return `${input}.${Buffer.from(sig).toString('base64url')}`;
    },
  };
}
