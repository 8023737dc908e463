import type { CreateMachineRequest, TemplateDocument } from '@overcast/contracts';
import { substitute } from './references';

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
  const fill = (text: string) => substitute(text, { inputs, machines: {}, steps: {} });
  const specs: MachineSpec[] = [];
  for (const [resource, m] of Object.entries(doc.resources.machines)) {
    const count = m.count ?? 1;
    for (let index = 0; index < count; index++) {
      const label = count > 1 ? `${resource}-${index + 1}` : resource;
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
            stack: stack.name,
            'stack-id': stack.id,
            'stack-resource': label,
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
