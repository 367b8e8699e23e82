/**
 * The JWT step at a waypoint (SEMANTICS §6): the RequestAuthentication objects attached to it find the token
 * (tokenFrom: fromHeaders/fromParams, else `Authorization: Bearer`) and validate it. No token passes with no
 * request principal; an invalid one is rejected with 401; a valid one gives request.auth.* to authorization.
 */
import { getArray, getObject } from '../../model/access.ts';
import type { JwtAuth } from '../authz.ts';
import { tokenFrom, validateJwtSync } from '../jwt.ts';
import type { Waypoint } from '../mesh.ts';
import { policiesForWaypoint } from '../policies.ts';
import type { Decision } from '../types.ts';
import { finished, ref } from '../trace.ts';
import type { Continue, Finished, PendingJwt, Walk } from '../trace.ts';

export function authenticateJwt(
  w: Walk,
  wp: Waypoint,
  svcRef: { kind: 'Service' | 'ServiceEntry'; namespace: string; name: string } | undefined,
  /** An agentgateway waypoint takes no RequestAuthentication. */
  agentgateway: boolean,
  decisions: Decision[],
): Continue<{ auth: JwtAuth | undefined }> | Finished | PendingJwt {
  const ras = agentgateway
    ? []
    : policiesForWaypoint(w.mesh, 'RequestAuthentication', wp, svcRef).map((p) => p.resource);
  if (!ras.length) {
    if (w.jwt !== undefined)
      decisions.push({
        step: 'jwt',
        note: 'no RequestAuthentication is attached here: the token is not validated and request.auth.* stays empty',
      });
    return { kind: 'continue', auth: undefined };
  }
  const rules = ras.flatMap((r) =>
    getArray(r.obj, ['spec', 'jwtRules']).map((rule) => ({ rule: getObject(rule, []) ?? {} })),
  );
  const token = tokenFrom(w.headers, w.query, rules);
  const now = w.now;
  const jwt = w.verified ?? validateJwtSync(token, ras, now);
  if (jwt === undefined) return { kind: 'pending', pending: { token, ras, now } };
  if (jwt.status === 'absent') {
    decisions.push({
      step: 'jwt',
      note: 'no token: passes with no request principal (RequestAuthentication alone does not require one)',
    });
    return { kind: 'continue', auth: undefined };
  }
  if (jwt.status === 'invalid') {
    decisions.push({
      step: 'jwt',
      ...(jwt.by ? { policy: `${jwt.by.namespace}/${jwt.by.name}`, rule: jwt.rule } : {}),
      action: 'REJECT',
      matched: true,
      note: jwt.why,
    });
    w.t.decidedBy = jwt.by ? ref(jwt.by, jwt.rule) : ref(ras[0]!);
    return finished(w, { verdict: 'denied', status: 401, deniedAt: 'waypoint', waypoint: wp });
  }
  decisions.push({
    step: 'jwt',
    policy: `${jwt.by.namespace}/${jwt.by.name}`,
    rule: jwt.rule,
    action: 'ACCEPT',
    matched: true,
    note: `request principal ${jwt.auth.principal}${jwt.verified ? ' (signature verified with the inline jwks)' : ' (signature not checked: jwksUri only, token trusted)'}`,
  });
  return { kind: 'continue', auth: jwt.auth };
}
