import { describe, expect, it } from 'vitest';
import { buildMesh, parseManifests } from './index.ts';

// A manifest applied twice replaces the first copy (kubectl apply): every index of the mesh must see the last
// content, and creation order (which decides "oldest wins") stays that of the first copy.
const svc = (labels: string) => `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: bookinfo${labels}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
`;

describe('mesh index with the same object given twice', () => {
  const { resources } = parseManifests([
    { file: 'base.yaml', text: svc('') },
    { file: 'override.yaml', text: svc('\n  labels: {istio.io/use-waypoint: reviews-waypoint}') },
  ]);
  const mesh = buildMesh(resources);

  it('keeps one Service, with the later labels, for name and host lookups alike', () => {
    expect(mesh.services.filter((s) => s.name === 'reviews')).toHaveLength(1);
    expect(mesh.service('bookinfo', 'reviews')!.resource.labels['istio.io/use-waypoint']).toBe('reviews-waypoint');
    const byHost = mesh.servicesForHost('reviews.bookinfo', 'bookinfo');
    expect(byHost).toHaveLength(1);
    expect(byHost[0]!.resource.file).toBe('override.yaml');
  });

  it('objects of different kinds or namespaces with one name stay distinct', () => {
    const { resources: rs } = parseManifests([
      { file: 'a.yaml', text: svc('') },
      { file: 'b.yaml', text: svc('').replace('namespace: bookinfo', 'namespace: other') },
    ]);
    expect(buildMesh(rs).services.filter((s) => s.name === 'reviews')).toHaveLength(2);
  });
});
