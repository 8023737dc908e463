import { ProviderList } from '@overcast/contracts';
import { providerDescriptors } from '@overcast/core/clouds';
import type { RoutePlugin } from '../context';
import { route } from '../http/route';

/** The providers this build knows: what each can do and the add-cloud form of each. */
export const providerRoutes: RoutePlugin = (app) => {
  app.get(
    '',
    // The same for everyone signed in: no organization's data, only what the build supports.
    route('Providers, their features and the schemas of their add-cloud forms', 'authenticated', {
      response: { 200: ProviderList },
    }),
    async () => ({ items: [...providerDescriptors()] }),
  );
};
