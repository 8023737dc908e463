import type { ProviderDescriptor, ProviderModule } from '@overcast/contracts';
import { PROVIDER_KINDS, PROVIDER_MODULES } from '@overcast/providers/registry';

export { PROVIDER_KINDS };

/** A module as the API serves it: its schemas as plain JSON Schema, its functions left out. */
function describe(m: ProviderModule): ProviderDescriptor {
  const json = (schema: object) => JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  return {
    kind: m.kind,
    label: m.label,
    mark: m.mark,
    background: m.background,
    foreground: m.foreground,
    credentials: json(m.credentials),
    config: json(m.config),
    endpoint: m.endpoint,
    features: { ...m.features, extraActions: [...m.features.extraActions] },
    pricing: m.pricing,
    ...(m.docs ? { docs: m.docs } : {}),
    ...(m.help ? { help: [...m.help] } : {}),
    ...(m.titlePlaceholder ? { titlePlaceholder: m.titlePlaceholder } : {}),
    ...(m.machinesFromConfig ? { machinesFromConfig: true } : {}),
    ...(m.unbilledStates ? { unbilledStates: [...m.unbilledStates] } : {}),
  };
}

const DESCRIPTORS = PROVIDER_MODULES.map(describe);

/** Every registered provider, in the order the add-cloud form offers them. */
export const providerDescriptors = (): readonly ProviderDescriptor[] => DESCRIPTORS;
