/**
 * The Kubernetes and Istio workload resources failsim reads from a user's dump, as zod schemas of
 * the fields it uses. `kubectl get -o yaml` output carries many more fields (status, managedFields,
 * ...): objects are loose, only the fields read are checked, and a wrong type there is an error
 * naming the path.
 */
import * as z from 'zod';

const str = (what = 'a string') => z.string({ error: `expected ${what}` });
const stringMap = z.record(z.string(), z.string({ error: 'expected a string value' }), { error: 'expected a map of strings' });
const PORT = 'expected a port number in 1..65535';
const port = z.number({ error: PORT }).int({ error: PORT }).min(1, { error: PORT }).max(65535, { error: PORT });

export const KubeMetadataSchema = z.looseObject({
  name: str('a resource name'),
  namespace: str().optional(),
  labels: stringMap.nullish(),
  annotations: stringMap.nullish(),
});

const ServicePortSchema = z.looseObject({
  name: str().optional(),
  port,
  protocol: str().optional(),
  appProtocol: str().optional(),
  targetPort: z.union([port, z.string()], { error: 'expected a port number or name' }).optional(),
});

export const ServiceSchema = z.looseObject({
  metadata: KubeMetadataSchema,
  spec: z.looseObject({
    type: str().optional(),
    selector: stringMap.nullish(),
    ports: z.array(ServicePortSchema, { error: 'expected a list of ports' }).nullish(),
    clusterIP: str().optional(),
    externalName: str().optional(),
    trafficDistribution: str().optional(),
  }),
});

const conditionsSchema = z
  .looseObject({ ready: z.boolean().nullish(), serving: z.boolean().nullish(), terminating: z.boolean().nullish() })
  .nullish();

export const EndpointSliceSchema = z.looseObject({
  metadata: KubeMetadataSchema,
  addressType: str().optional(),
  endpoints: z
    .array(
      z.looseObject({
        addresses: z.array(str('an IP address'), { error: 'expected a list of addresses' }),
        conditions: conditionsSchema,
        nodeName: str().nullish(),
        zone: str().nullish(),
        hints: z.unknown().optional(),
        targetRef: z.looseObject({ kind: str().optional(), name: str().optional(), namespace: str().optional() }).nullish(),
      }),
      { error: 'expected a list of endpoints' },
    )
    .nullish(),
  ports: z.array(z.looseObject({ name: str().nullish(), port: port.nullish(), protocol: str().nullish(), appProtocol: str().nullish() })).nullish(),
});

export const PodSchema = z.looseObject({
  metadata: KubeMetadataSchema,
  spec: z.looseObject({ nodeName: str().optional() }).optional(),
  status: z
    .looseObject({
      podIP: str().optional(),
      phase: str().optional(),
      conditions: z.array(z.looseObject({ type: str(), status: str() })).nullish(),
    })
    .optional(),
});

export const NodeSchema = z.looseObject({ metadata: KubeMetadataSchema });

const WorkloadEntrySpecSchema = z.looseObject({
  address: str().optional(),
  labels: stringMap.nullish(),
  locality: str('a locality "region/zone/subzone"').optional(),
  network: str().optional(),
  weight: z.number().int().min(0).optional(),
  ports: z.record(z.string(), port).optional(),
});

export const WorkloadEntryDocSchema = z.looseObject({ metadata: KubeMetadataSchema, spec: WorkloadEntrySpecSchema });
export const WorkloadGroupDocSchema = z.looseObject({
  metadata: KubeMetadataSchema,
  spec: z.looseObject({ metadata: z.looseObject({ labels: stringMap.nullish() }).optional(), template: WorkloadEntrySpecSchema.optional() }),
});

export type KubeService = z.infer<typeof ServiceSchema>;
export type KubeEndpointSlice = z.infer<typeof EndpointSliceSchema>;
export type KubePod = z.infer<typeof PodSchema>;
export type KubeNode = z.infer<typeof NodeSchema>;
export type KubeWorkloadEntry = z.infer<typeof WorkloadEntryDocSchema>;
export type KubeWorkloadGroup = z.infer<typeof WorkloadGroupDocSchema>;

/** Kinds read here; Istio's networking kinds go to src/istio's reader. */
export const KUBE_KINDS = ['Service', 'EndpointSlice', 'Pod', 'Node', 'WorkloadEntry', 'WorkloadGroup'] as const;
export type KubeKind = (typeof KUBE_KINDS)[number];

export const KUBE_SCHEMAS: Record<KubeKind, z.ZodTypeAny> = {
  Service: ServiceSchema,
  EndpointSlice: EndpointSliceSchema,
  Pod: PodSchema,
  Node: NodeSchema,
  WorkloadEntry: WorkloadEntryDocSchema,
  WorkloadGroup: WorkloadGroupDocSchema,
};
