import { generateKeyPairSync } from 'node:crypto';
import {
  EC2_SIM_ACCESS_KEY_ID,
  EC2_SIM_SECRET_ACCESS_KEY,
  startAzureSim,
  startDigitalOceanSim,
  startEc2Sim,
  startGceSim,
  startHetznerSim,
  startKubevirtSim,
  startLinodeSim,
  startOpenStackSim,
  startProxmoxSim,
  startVsphereSim,
  startVultrSim,
} from '@overcast/cloud-sim';

// The providers with an HTTP emulator, as the add-cloud form sees them: the radio to choose,
// the fields to fill (by label) with wrong and right credentials, the provider's own words for
// the wrong ones, and how many machines the emulator holds. A new provider joins
// e2e/providers.spec.ts by one entry here.

export interface RunningProvider {
  /** The API endpoint to give under Advanced; absent where the address is a field of the form. */
  endpoint?: string;
  right: Record<string, string>;
  wrong: Record<string, string>;
  close(): Promise<unknown>;
}

export interface EmulatedProvider {
  /** The provider's radio in the form (its module's label). */
  label: string;
  /** What the provider says to the wrong credentials. */
  refusal: RegExp;
  machines: number;
  start(): Promise<RunningProvider>;
}

const MACHINES = 3;
const prompt = { bootDelayMs: 0, actionDelayMs: 0 };

const tokenApi = (
  label: string,
  refusal: RegExp,
  start: (token: string) => Promise<{ url: string; close(): Promise<void> }>,
): EmulatedProvider => ({
  label,
  refusal,
  machines: MACHINES,
  start: async () => {
    const token = `e2e-${label.toLowerCase().replace(/\W/g, '')}-token`;
    const sim = await start(token);
    const field = 'token';
    return {
      endpoint: sim.url,
      right: { [field]: token },
      wrong: { [field]: 'not-the-token' },
      close: sim.close,
    };
  },
});

export const EMULATED_PROVIDERS: EmulatedProvider[] = [
  tokenApi('DigitalOcean', /Unable to authenticate you/, (token) =>
    startDigitalOceanSim({ accounts: [{ token, droplets: MACHINES, namePrefix: 'do' }], ...prompt }),
  ),
  tokenApi('Hetzner Cloud', /unable to authenticate/, (token) =>
    startHetznerSim({ projects: [{ token, servers: MACHINES, namePrefix: 'hz' }] }),
  ),
  tokenApi('Akamai Linode', /Invalid Token/, (token) =>
    startLinodeSim({ accounts: [{ token, linodes: MACHINES, namePrefix: 'li' }] }),
  ),
  tokenApi('Vultr', /Invalid API token/, (token) =>
    startVultrSim({ accounts: [{ token, instances: MACHINES, namePrefix: 'vu' }] }),
  ),
  {
    label: 'Amazon EC2',
    refusal: /AWS was not able to validate the provided access credentials/,
    machines: MACHINES,
    start: async () => {
      const sim = await startEc2Sim({ seed: MACHINES, transitionMs: 0, regions: ['us-east-1'] });
      return {
        endpoint: sim.url,
        right: { accessKeyId: EC2_SIM_ACCESS_KEY_ID, secretAccessKey: EC2_SIM_SECRET_ACCESS_KEY },
        wrong: { accessKeyId: 'AKIDWRONGWRONGWRONG', secretAccessKey: 'nope' },
        close: sim.close,
      };
    },
  },
  {
    label: 'Google Cloud',
    refusal: /account not found/,
    machines: MACHINES,
    start: async () => {
      const key = () =>
        generateKeyPairSync('rsa', {
          modulusLength: 2048,
          privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
          publicKeyEncoding: { type: 'spki', format: 'pem' },
        });
      const keys = key();
      const email = 'overcast@e2e-proj.iam.gserviceaccount.com';
      const sim = await startGceSim({
        serviceAccounts: [{ email, projects: ['e2e-proj'], publicKey: keys.publicKey }],
        projects: [{ id: 'e2e-proj', instances: MACHINES, namePrefix: 'vm' }],
        provisionMs: 0,
        stopMs: 0,
        operationMs: 0,
      });
      const account = (client_email: string) =>
        JSON.stringify({
          type: 'service_account',
          project_id: 'e2e-proj',
          private_key_id: 'k1',
          private_key: keys.privateKey,
          client_email,
          token_uri: sim.tokenUri,
        });
      return {
        endpoint: sim.url,
        right: { serviceAccount: account(email) },
        wrong: { serviceAccount: account('stranger@e2e-proj.iam.gserviceaccount.com') },
        close: sim.close,
      };
    },
  },
  {
    label: 'OpenStack',
    refusal: /The request you have made requires authentication/,
    machines: MACHINES,
    start: async () => {
      const sim = await startOpenStackSim({
        projects: [{ name: 'e2e', servers: MACHINES, namePrefix: 'os' }],
        users: [{ name: 'e2e-user', password: 'e2e-password', projects: ['e2e'] }],
        bootDelayMs: 0,
        actionDelayMs: 0,
      });
      // Keystone's address is a field of OpenStack's form; the catalog gives every other one.
      const who = { authUrl: sim.authUrl, username: 'e2e-user', projectName: 'e2e' };
      return {
        right: { ...who, password: 'e2e-password' },
        wrong: { ...who, password: 'not-the-password' },
        close: sim.close,
      };
    },
  },
  {
    label: 'Microsoft Azure',
    refusal: /Invalid client secret provided/,
    machines: MACHINES,
    start: async () => {
      const tenantId = '0e2e0e2e-0000-4000-8000-000000000001';
      const clientId = '0e2e0e2e-0000-4000-8000-000000000002';
      const subscriptionId = '0e2e0e2e-0000-4000-8000-000000000003';
      const sim = await startAzureSim({
        principals: [{ tenantId, clientId, secret: 'e2e-azure-secret', subscriptions: [subscriptionId] }],
        subscriptions: [{ id: subscriptionId, vms: MACHINES, namePrefix: 'az', resourceGroup: 'e2e' }],
        transitionMs: 0,
      });
      // Sign-in, prices and the emulator's own CA are advanced fields, as for Azure Stack Hub.
      const where = {
        tenantId,
        clientId,
        subscriptionId,
        authorityHost: sim.url,
        pricesEndpoint: sim.url,
        caCertificate: sim.ca,
      };
      return {
        endpoint: sim.url,
        right: { ...where, clientSecret: 'e2e-azure-secret' },
        wrong: { ...where, clientSecret: 'not-the-secret' },
        close: sim.close,
      };
    },
  },
  {
    label: 'Proxmox VE',
    refusal: /invalid token value/,
    machines: MACHINES,
    start: async () => {
      const sim = await startProxmoxSim({
        machines: MACHINES,
        namePrefix: 'pve',
        tokens: [{ id: 'e2e@pve!overcast', secret: '0e2e0e2e-1111-4222-8333-444444444444' }],
        actionDelayMs: 0,
        cloneDelayMs: 0,
        authFailureDelayMs: 0,
      });
      return {
        endpoint: sim.url,
        right: { apiToken: 'e2e@pve!overcast=0e2e0e2e-1111-4222-8333-444444444444' },
        wrong: { apiToken: 'e2e@pve!overcast=not-the-secret' },
        close: sim.close,
      };
    },
  },
  {
    label: 'VMware vSphere',
    refusal: /Authentication required/,
    machines: MACHINES,
    start: async () => {
      const user = { username: 'e2e@vsphere.local', password: 'e2e-vcenter-password' };
      const sim = await startVsphereSim({ machines: MACHINES, namePrefix: 'vs', users: [user] });
      return {
        endpoint: sim.url,
        right: user,
        wrong: { ...user, password: 'not-the-password' },
        close: sim.close,
      };
    },
  },
  {
    label: 'KubeVirt',
    refusal: /Unauthorized/,
    machines: MACHINES,
    start: async () => {
      const sim = await startKubevirtSim({
        machines: MACHINES,
        namePrefix: 'kv',
        tokens: [{ token: 'e2e-kubevirt-token' }],
      });
      // The kubeconfig names the API server: no endpoint to give.
      return {
        right: { kubeconfig: sim.kubeconfig('e2e-kubevirt-token') },
        wrong: { kubeconfig: sim.kubeconfig('not-the-token') },
        close: sim.close,
      };
    },
  },
];
