import type { CreateContainerRequest, CreateMachineRequest, TemplateDocument } from '@overcast/contracts';
import { type ReferenceValues, substitute } from './references';

const filler = (inputs: Record<string, string>) => (text: string) =>
  substitute(text, { inputs, machines: {}, volumes: {}, steps: {} });

/** Stack resources name their instance: web, or web-2 when the resource has a count. */
const labelOf = (resource: string, index: number, count: number) =>
  count > 1 ? `${resource}-${index + 1}` : resource;

/** The tags Overcast adds to what a stack makes: how it is found again, and linked back. */
const stackTags = (stack: { id: string; name: string }, label: string) => ({
  stack: stack.name,
  'stack-id': stack.id,
  'stack-resource': label,
});

/** One machine a stack makes: a template resource's instance, with its values filled in. */
export interface MachineSpec {
  /** The resource name, with the instance number when there are several: web, web-2. */
  label: string;
  resource: string;
  index: number;
  cloud: string;
  key: string | null;
  request: Omit<CreateMachineRequest, 'sshKeyId'>;
}

/** Every machine of a document, inputs substituted (the parser allowed only inputs there). */
export function machineSpecs(
  doc: TemplateDocument,
  inputs: Record<string, string>,
  stack: { id: string; name: string },
): MachineSpec[] {
  const fill = filler(inputs);
  const specs: MachineSpec[] = [];
  for (const [resource, m] of Object.entries(doc.resources.machines ?? {})) {
    const count = m.count ?? 1;
    for (let index = 0; index < count; index++) {
      const label = labelOf(resource, index, count);
      const after = m.expiration?.after;
      const hours = after ? Number(after.slice(0, -1)) * (after.endsWith('d') ? 24 : 1) : 0;
      specs.push({
        label,
        resource,
        index,
        cloud: fill(m.cloud),
        key: m.key ? fill(m.key) : null,
        request: {
          name: `${stack.name}-${label}`.replaceAll('_', '-'),
          size: fill(m.size),
          image: fill(m.image),
          location: fill(m.location),
          tags: {
            ...Object.fromEntries(Object.entries(m.tags ?? {}).map(([k, v]) => [k, fill(v)])),
            ...stackTags(stack, label),
          },
          ...(m.expiration
            ? {
                expiration: {
                  expiresAt: new Date(Date.now() + hours * 3_600_000).toISOString(),
                  action: m.expiration.action,
                },
              }
            : {}),
        },
      });
    }
  }
  return specs;
}

/** One volume a stack makes: one per instance of the machine it attaches to. */
export interface VolumeSpec {
  label: string;
  resource: string;
  index: number;
  /** The cloud's title or id; the machine's when the template gives none. */
  cloud: string;
  /** The machine instance it attaches to (its resource and index are the volume's own index). */
  attach: { resource: string; label: string };
  request: { name: string; sizeGb: number; location: string };
}

export function volumeSpecs(
  doc: TemplateDocument,
  inputs: Record<string, string>,
  stack: { name: string },
): VolumeSpec[] {
  const fill = filler(inputs);
  const machines = doc.resources.machines ?? {};
  return Object.entries(doc.resources.volumes ?? {}).flatMap(([resource, v]) => {
    const machine = machines[v.attach]!;
    const count = machine.count ?? 1;
    return Array.from({ length: count }, (_, index) => {
      const label = labelOf(resource, index, count);
      const name = v.name ? labelOf(fill(v.name), index, count) : `${stack.name}-${label}`;
      return {
        label,
        resource,
        index,
        cloud: fill(v.cloud ?? machine.cloud),
        attach: { resource: v.attach, label: labelOf(v.attach, index, count) },
        // Providers take lowercase names with hyphens (DigitalOcean's rule, the strictest).
        request: {
          name: name.toLowerCase().replaceAll('_', '-'),
          sizeGb: v.size,
          location: fill(machine.location),
        },
      };
    });
  });
}

/** One container a stack makes; its env is filled when it is made (it may name machines and steps). */
export interface ContainerSpec {
  label: string;
  resource: string;
  index: 0;
  cloud: string;
  after: string[];
  env: Record<string, string>;
  request: Omit<CreateContainerRequest, 'env'>;
}

export function containerSpecs(
  doc: TemplateDocument,
  inputs: Record<string, string>,
  stack: { id: string; name: string },
): ContainerSpec[] {
  const fill = filler(inputs);
  return Object.entries(doc.resources.containers ?? {}).map(([resource, c]) => ({
    label: resource,
    resource,
    index: 0,
    cloud: fill(c.cloud),
    after: c.after ?? [],
    env: c.env ?? {},
    request: {
      image: fill(c.image),
      name: c.name ? fill(c.name) : `${stack.name}-${resource}`.replaceAll('_', '-'),
      ...(c.ports ? { ports: c.ports.map(fill) } : {}),
      ...(c.command ? { command: c.command.map(fill) } : {}),
      labels: {
        ...Object.fromEntries(Object.entries(c.tags ?? {}).map(([k, v]) => [k, fill(v)])),
        ...stackTags(stack, resource),
      },
      // A stack's app comes back with its engine.
      restartPolicy: 'unless-stopped',
    },
  }));
}

/** A container's request with its env filled from what the stack knows by the time it is made. */
export function containerRequest(spec: ContainerSpec, values: ReferenceValues): CreateContainerRequest {
  const env = Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, substitute(v, values)]));
  return { ...spec.request, ...(Object.keys(env).length ? { env } : {}) };
}

/** Everything a stack makes, inputs filled in. */
export interface StackSpecs {
  machines: MachineSpec[];
  volumes: VolumeSpec[];
  containers: ContainerSpec[];
}

export const stackSpecs = (
  doc: TemplateDocument,
  inputs: Record<string, string>,
  stack: { id: string; name: string },
): StackSpecs => ({
  machines: machineSpecs(doc, inputs, stack),
  volumes: volumeSpecs(doc, inputs, stack),
  containers: containerSpecs(doc, inputs, stack),
});
