/**
 * The ambient semantics layer: the one home of Istio behaviour that more than one engine needs (validator,
 * simulator, migrate, the virtual shell and the islands). A meta-test (tests/unit/one-semantics.test.ts) fails when
 * one of these tables or rules is written a second time elsewhere.
 */
export * from './labels.ts';
export * from './kinds.ts';
export * from './identity.ts';
export * from './authz.ts';
export * from './enrolment.ts';
export * from './waypoints.ts';
export * from './attachment.ts';
export * from './routes.ts';
export * from './hostnames.ts';
export * from './meshconfig.ts';
