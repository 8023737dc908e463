import { features, type ProviderFeatures, type ProviderModule } from '@overcast/contracts';
import { findProviderModule } from '@overcast/providers/registry';
import { DomainError } from '../errors';

/** A cloud's provider module; a kind this build does not know is a 400 naming it. */
export function providerModule(kind: string): ProviderModule {
  const found = findProviderModule(kind);
  if (!found)
    throw new DomainError('invalid', 'unsupported_provider', `Overcast has no driver for "${kind}" clouds.`);
  return found;
}

/** A kind this build does not know: not even a shell. */
const NOTHING = features({ shell: 'none' });

/** What a provider can do; a kind this build does not know can do nothing. */
export const featuresOf = (kind: string): ProviderFeatures => findProviderModule(kind)?.features ?? NOTHING;

/** The kinds whose clouds are container hosts. */
export const containerKinds = (modules: readonly ProviderModule[]): string[] =>
  modules.filter((m) => m.features.containers).map((m) => m.kind);
