// Structural validators from @kubernetes-models (ajv standalone functions generated from the upstream
// OpenAPI/CRD schemas). Generated table: one row per apiVersion/kind we validate structurally.
import { AuthorizationPolicy as I1 } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { PeerAuthentication as I2 } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication';
import { RequestAuthentication as I3 } from '@kubernetes-models/istio/security.istio.io/v1/RequestAuthentication';
import { DestinationRule as I7 } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule';
import { Gateway as I8 } from '@kubernetes-models/istio/networking.istio.io/v1/Gateway';
import { ServiceEntry as I9 } from '@kubernetes-models/istio/networking.istio.io/v1/ServiceEntry';
import { Sidecar as I10 } from '@kubernetes-models/istio/networking.istio.io/v1/Sidecar';
import { VirtualService as I11 } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import { WorkloadEntry as I12 } from '@kubernetes-models/istio/networking.istio.io/v1/WorkloadEntry';
import { WorkloadGroup as I13 } from '@kubernetes-models/istio/networking.istio.io/v1/WorkloadGroup';
import { ProxyConfig as I21 } from '@kubernetes-models/istio/networking.istio.io/v1beta1/ProxyConfig';
import { EnvoyFilter as I29 } from '@kubernetes-models/istio/networking.istio.io/v1alpha3/EnvoyFilter';
import { Telemetry as I30 } from '@kubernetes-models/istio/telemetry.istio.io/v1/Telemetry';
import { WasmPlugin as I32 } from '@kubernetes-models/istio/extensions.istio.io/v1alpha1/WasmPlugin';
import { validate as G33 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1Gateway';
import { validate as G34 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1GatewayClass';
import { validate as G35 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1HTTPRoute';
import { validate as G36 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1GRPCRoute';
import { validate as G37 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1ReferenceGrant';
import { validate as G38 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1TLSRoute';
import { validate as G39 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1BackendTLSPolicy';
import { validate as G40 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1ListenerSet';
import { validate as G41 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1beta1Gateway';
import { validate as G42 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1beta1GatewayClass';
import { validate as G43 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1beta1HTTPRoute';
import { validate as G44 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1beta1ReferenceGrant';
import { validate as G45 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha2TCPRoute';
import { validate as G46 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha2UDPRoute';
import { validate as G47 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha2TLSRoute';
import { validate as G48 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha2GRPCRoute';
import { validate as G49 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha2ReferenceGrant';
import { validate as G50 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha3TLSRoute';
import { validate as G51 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1alpha3BackendTLSPolicy';
import { validate as K52 } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Namespace';
import { validate as K53 } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Service';
import { validate as K54 } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Pod';
import { validate as K55 } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ServiceAccount';
import { validate as K56 } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap';
import { validate as K57 } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Secret';
import { validate as K58 } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Endpoints';
import { validate as K59 } from 'kubernetes-models/_schemas/IoK8sApiAppsV1Deployment';
import { validate as K60 } from 'kubernetes-models/_schemas/IoK8sApiAppsV1StatefulSet';
import { validate as K61 } from 'kubernetes-models/_schemas/IoK8sApiAppsV1DaemonSet';
import { validate as K62 } from 'kubernetes-models/_schemas/IoK8sApiAppsV1ReplicaSet';
import { validate as K63 } from 'kubernetes-models/_schemas/IoK8sApiBatchV1Job';
import { validate as K64 } from 'kubernetes-models/_schemas/IoK8sApiBatchV1CronJob';
import { validate as K65 } from 'kubernetes-models/_schemas/IoK8sApiNetworkingV1NetworkPolicy';

/** The shape of an ajv error as the generated validators report it. */
export interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}
export type StructuralValidator = (data: unknown) => readonly AjvError[];

type AjvFn = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

function direct(fn: unknown): StructuralValidator {
  const f = fn as AjvFn;
  return (data) => (f(data) ? [] : (f.errors ?? []).slice());
}

/**
 * The Istio package does not export its `_schemas`, but each model class carries the validator as
 * `prototype.validate` (it throws a ValidationError with `.errors`). Calling it with the plain object as
 * `this` validates without copying the object into a model instance.
 */
function viaModel(cls: unknown): StructuralValidator {
  // Read on first use, not when the table is built: the CLI bundle loads each kind's validator lazily
  // (scripts/build-cli.mjs), so building the table must not touch the model classes.
  let validate: ((this: unknown) => void) | undefined;
  return (data) => {
    validate ??= (cls as { prototype: { validate(this: unknown): void } }).prototype.validate;
    try {
      validate.call(data);
      return [];
    } catch (err) {
      const errors = (err as { errors?: AjvError[] }).errors;
      if (Array.isArray(errors)) return errors;
      throw err;
    }
  };
}

/**
 * Istio serves several versions of a kind with one schema: the generated validators for v1beta1/v1alpha3 (and
 * telemetry v1alpha1) are byte-for-byte the v1 validator apart from the version string. Reusing the v1 validator
 * (with the apiVersion swapped on a shallow copy) keeps the browser bundle about 40% smaller.
 */
function sameAs(apiVersion: string, v: StructuralValidator): StructuralValidator {
  return (data) =>
    v(data !== null && typeof data === 'object' && !Array.isArray(data) ? { ...data, apiVersion } : data);
}

const ROWS: readonly (readonly [string, string, StructuralValidator])[] = [
  ['security.istio.io/v1', 'AuthorizationPolicy', viaModel(I1)],
  ['security.istio.io/v1', 'PeerAuthentication', viaModel(I2)],
  ['security.istio.io/v1', 'RequestAuthentication', viaModel(I3)],
  ['security.istio.io/v1beta1', 'AuthorizationPolicy', sameAs('security.istio.io/v1', viaModel(I1))],
  ['security.istio.io/v1beta1', 'PeerAuthentication', sameAs('security.istio.io/v1', viaModel(I2))],
  ['security.istio.io/v1beta1', 'RequestAuthentication', sameAs('security.istio.io/v1', viaModel(I3))],
  ['networking.istio.io/v1', 'DestinationRule', viaModel(I7)],
  ['networking.istio.io/v1', 'Gateway', viaModel(I8)],
  ['networking.istio.io/v1', 'ServiceEntry', viaModel(I9)],
  ['networking.istio.io/v1', 'Sidecar', viaModel(I10)],
  ['networking.istio.io/v1', 'VirtualService', viaModel(I11)],
  ['networking.istio.io/v1', 'WorkloadEntry', viaModel(I12)],
  ['networking.istio.io/v1', 'WorkloadGroup', viaModel(I13)],
  ['networking.istio.io/v1beta1', 'DestinationRule', sameAs('networking.istio.io/v1', viaModel(I7))],
  ['networking.istio.io/v1beta1', 'Gateway', sameAs('networking.istio.io/v1', viaModel(I8))],
  ['networking.istio.io/v1beta1', 'ServiceEntry', sameAs('networking.istio.io/v1', viaModel(I9))],
  ['networking.istio.io/v1beta1', 'Sidecar', sameAs('networking.istio.io/v1', viaModel(I10))],
  ['networking.istio.io/v1beta1', 'VirtualService', sameAs('networking.istio.io/v1', viaModel(I11))],
  ['networking.istio.io/v1beta1', 'WorkloadEntry', sameAs('networking.istio.io/v1', viaModel(I12))],
  ['networking.istio.io/v1beta1', 'WorkloadGroup', sameAs('networking.istio.io/v1', viaModel(I13))],
  ['networking.istio.io/v1beta1', 'ProxyConfig', viaModel(I21)],
  ['networking.istio.io/v1alpha3', 'DestinationRule', sameAs('networking.istio.io/v1', viaModel(I7))],
  ['networking.istio.io/v1alpha3', 'Gateway', sameAs('networking.istio.io/v1', viaModel(I8))],
  ['networking.istio.io/v1alpha3', 'ServiceEntry', sameAs('networking.istio.io/v1', viaModel(I9))],
  ['networking.istio.io/v1alpha3', 'Sidecar', sameAs('networking.istio.io/v1', viaModel(I10))],
  ['networking.istio.io/v1alpha3', 'VirtualService', sameAs('networking.istio.io/v1', viaModel(I11))],
  ['networking.istio.io/v1alpha3', 'WorkloadEntry', sameAs('networking.istio.io/v1', viaModel(I12))],
  ['networking.istio.io/v1alpha3', 'WorkloadGroup', sameAs('networking.istio.io/v1', viaModel(I13))],
  ['networking.istio.io/v1alpha3', 'EnvoyFilter', viaModel(I29)],
  ['telemetry.istio.io/v1', 'Telemetry', viaModel(I30)],
  ['telemetry.istio.io/v1alpha1', 'Telemetry', sameAs('telemetry.istio.io/v1', viaModel(I30))],
  ['extensions.istio.io/v1alpha1', 'WasmPlugin', viaModel(I32)],
  ['gateway.networking.k8s.io/v1', 'Gateway', direct(G33)],
  ['gateway.networking.k8s.io/v1', 'GatewayClass', direct(G34)],
  ['gateway.networking.k8s.io/v1', 'HTTPRoute', direct(G35)],
  ['gateway.networking.k8s.io/v1', 'GRPCRoute', direct(G36)],
  ['gateway.networking.k8s.io/v1', 'ReferenceGrant', direct(G37)],
  ['gateway.networking.k8s.io/v1', 'TLSRoute', direct(G38)],
  ['gateway.networking.k8s.io/v1', 'BackendTLSPolicy', direct(G39)],
  ['gateway.networking.k8s.io/v1', 'ListenerSet', direct(G40)],
  ['gateway.networking.k8s.io/v1beta1', 'Gateway', direct(G41)],
  ['gateway.networking.k8s.io/v1beta1', 'GatewayClass', direct(G42)],
  ['gateway.networking.k8s.io/v1beta1', 'HTTPRoute', direct(G43)],
  ['gateway.networking.k8s.io/v1beta1', 'ReferenceGrant', direct(G44)],
  ['gateway.networking.k8s.io/v1alpha2', 'TCPRoute', direct(G45)],
  ['gateway.networking.k8s.io/v1alpha2', 'UDPRoute', direct(G46)],
  ['gateway.networking.k8s.io/v1alpha2', 'TLSRoute', direct(G47)],
  ['gateway.networking.k8s.io/v1alpha2', 'GRPCRoute', direct(G48)],
  ['gateway.networking.k8s.io/v1alpha2', 'ReferenceGrant', direct(G49)],
  ['gateway.networking.k8s.io/v1alpha3', 'TLSRoute', direct(G50)],
  ['gateway.networking.k8s.io/v1alpha3', 'BackendTLSPolicy', direct(G51)],
  ['v1', 'Namespace', direct(K52)],
  ['v1', 'Service', direct(K53)],
  ['v1', 'Pod', direct(K54)],
  ['v1', 'ServiceAccount', direct(K55)],
  ['v1', 'ConfigMap', direct(K56)],
  ['v1', 'Secret', direct(K57)],
  ['v1', 'Endpoints', direct(K58)],
  ['apps/v1', 'Deployment', direct(K59)],
  ['apps/v1', 'StatefulSet', direct(K60)],
  ['apps/v1', 'DaemonSet', direct(K61)],
  ['apps/v1', 'ReplicaSet', direct(K62)],
  ['batch/v1', 'Job', direct(K63)],
  ['batch/v1', 'CronJob', direct(K64)],
  ['networking.k8s.io/v1', 'NetworkPolicy', direct(K65)],
];

const TABLE = new Map<string, StructuralValidator>();
for (const [apiVersion, kind, v] of ROWS) {
  TABLE.set(`${apiVersion}|${kind}`, v);
}

export function structuralValidator(apiVersion: string, kind: string): StructuralValidator | undefined {
  return TABLE.get(`${apiVersion}|${kind}`);
}
