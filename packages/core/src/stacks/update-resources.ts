import type { StackPlan, TemplateDocument } from '@overcast/contracts';
import type { Stack, StackResource } from '@overcast/db';
import { sameJson } from '../canonical-json';
import { DomainError } from '../errors';
import { type ContainerSpec, containerSpecs, type VolumeSpec, volumeSpecs } from './specs';

/** What an update does to a stack's volumes and containers, beside its machines. */
export interface OtherResourcesPlan {
  plan: Pick<StackPlan, 'volumes' | 'containers'>;
  addVolumes: VolumeSpec[];
  addContainers: ContainerSpec[];
  /** Rows that failed (or never finished): made again. */
  again: StackResource[];
  /** Volumes whose machine is made anew (or given back): moved to it, their data kept. */
  reattach: StackResource[];
  removed: StackResource[];
  /** Machine resources whose volumes change: the steps on them run again. */
  touched: Set<string>;
}

const slot = (name: string, index: number) => `${name}#${index}`;

/** A stack's document and input values, before or after the update. */
type Made = { document: TemplateDocument; values: Record<string, string> };

/** What a volume or container is, for the comparison: everything but how it is labelled. */
const shape = (s: VolumeSpec | ContainerSpec) => ({ ...s, label: undefined });

/**
 * Added volumes and containers are made and removed ones destroyed, like machines; one whose
 * definition changes is refused (a volume made anew would lose its data; say it in two updates).
 */
export function planOtherResources(
  stack: Pick<Stack, 'id' | 'name'>,
  rows: StackResource[],
  from: Made,
  to: Made,
  /** Labels of the machines the update makes anew or gives back. */
  remade: Set<string>,
): OtherResourcesPlan {
  const result: OtherResourcesPlan = {
    plan: {
      volumes: { add: [], remove: [], keep: [] },
      containers: { add: [], remove: [], keep: [] },
    },
    addVolumes: [],
    addContainers: [],
    again: [],
    reattach: [],
    removed: [],
    touched: new Set(),
  };
  const kinds = [
    ['volume', volumeSpecs(from.document, from.values, stack), volumeSpecs(to.document, to.values, stack)],
    [
      'container',
      containerSpecs(from.document, from.values, stack),
      containerSpecs(to.document, to.values, stack),
    ],
  ] as const;
  for (const [kind, before, next] of kinds) {
    const lists = result.plan[`${kind}s`];
    const old = new Map<string, VolumeSpec | ContainerSpec>(
      before.map((s) => [slot(s.resource, s.index), s]),
    );
    const made = new Map(rows.filter((r) => r.kind === kind).map((r) => [slot(r.name, r.index), r]));
    for (const spec of next) {
      const key = slot(spec.resource, spec.index);
      const row = made.get(key);
      const attach = 'attach' in spec ? spec.attach : null;
      if (!row || row.status === 'retiring') {
        if (row) result.again.push(row);
        else if (kind === 'volume') result.addVolumes.push(spec as VolumeSpec);
        else result.addContainers.push(spec as ContainerSpec);
        lists.add.push(spec.label);
        if (attach) result.touched.add(attach.resource);
        continue;
      }
      const was = old.get(key);
      if (was && !sameJson(shape(was), shape(spec)))
        throw new DomainError(
          'conflict',
          'resource_change_unsupported',
          `The ${kind} ${spec.label} changes, and Overcast does not change ${kind}s in place; remove it in one version and add it back changed in the next.`,
        );
      if (row.status !== 'ready') {
        result.again.push(row);
        lists.add.push(spec.label);
      } else if (attach && remade.has(attach.label)) {
        result.reattach.push(row);
        lists.keep.push(spec.label);
      } else lists.keep.push(spec.label);
    }
    const nextSlots = new Set(next.map((s) => slot(s.resource, s.index)));
    for (const row of made.values()) {
      if (nextSlots.has(slot(row.name, row.index)) || row.status === 'destroyed') continue;
      result.removed.push(row);
      const spec = before.find((s) => s.resource === row.name && s.index === row.index);
      lists.remove.push(spec?.label ?? `${row.name}-${row.index + 1}`);
      if (spec && 'attach' in spec) result.touched.add(spec.attach.resource);
    }
  }
  return result;
}
