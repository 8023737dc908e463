// `pnpm sim [--machines N]`: starts the EC2, DigitalOcean, Compute Engine, Hetzner Cloud, Linode, Vultr, OpenStack, Proxmox VE, Azure, vSphere, KubeVirt and Docker emulators on
// fixed loopback ports for a demo or manual testing, and prints what to paste into "Add cloud".
import { generateKeyPairSync } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startAzureSim } from './azure/index';
import { startDigitalOceanSim } from './digitalocean/index';
import { startDockerSim } from './docker/index';
import { EC2_SIM_ACCESS_KEY_ID, EC2_SIM_SECRET_ACCESS_KEY, startEc2Sim } from './ec2/index';
import { startGceSim } from './gce/index';
import { startHetznerSim } from './hetzner/index';
import { startKubevirtSim } from './kubevirt/index';
import { startLinodeSim } from './linode/index';
import { startOpenStackSim } from './openstack/index';
import { startProxmoxSim } from './proxmox/index';
import { startVsphereSim } from './vsphere/index';
import { startVultrSim } from './vultr/index';

const { values } = parseArgs({
  options: {
    machines: { type: 'string', default: '25' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '4600' },
  },
});
const machines = Number(values.machines);
const base = Number(values.port);
const host = values.host!;
if (!Number.isInteger(machines) || machines < 0 || machines > 100_000) {
  console.error('--machines must be a whole number from 0 to 100000');
  process.exit(2);
}

const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const email = 'demo@overcast-demo.iam.gserviceaccount.com';
const doToken = 'dop_v1_overcast_demo_token';
const hetznerToken = 'overcast-demo-hetzner-token';
const linodeToken = 'overcast-demo-linode-token';
const vultrToken = 'OVERCASTDEMOVULTRAPIKEY';
const openstackUser = { name: 'demo', password: 'overcast-demo-openstack', domain: 'Default' };
const proxmoxTokenId = 'overcast@pve!demo';
const proxmoxSecret = '0c7e5a52-5f4e-4b8e-9a55-6d1f3c2b9e10';

const ec2 = await startEc2Sim({ host, port: base, seed: machines });
const digitalocean = await startDigitalOceanSim({
  host,
  port: base + 1,
  accounts: [{ token: doToken, droplets: machines }],
});
const gce = await startGceSim({
  host,
  port: base + 2,
  serviceAccounts: [{ email, projects: ['overcast-demo'], publicKey: keys.publicKey }],
  projects: [{ id: 'overcast-demo', instances: machines }],
});
const docker = await startDockerSim({
  socketPath: `/tmp/overcast-docker-sim-${base}.sock`,
  tcpPort: base + 3,
});
const hetzner = await startHetznerSim({
  host,
  port: base + 4,
  projects: [{ token: hetznerToken, servers: machines, namePrefix: 'demo' }],
});
const linode = await startLinodeSim({
  host,
  port: base + 5,
  accounts: [{ token: linodeToken, linodes: machines, namePrefix: 'demo' }],
});
const vultr = await startVultrSim({
  host,
  port: base + 6,
  accounts: [{ token: vultrToken, instances: machines, namePrefix: 'demo' }],
});
const openstack = await startOpenStackSim({
  host,
  port: base + 7,
  projects: [{ name: 'demo', servers: machines, namePrefix: 'demo' }],
  users: [{ ...openstackUser, projects: ['demo'] }],
});
const proxmox = await startProxmoxSim({
  host,
  port: base + 8,
  machines,
  namePrefix: 'demo',
  tokens: [{ id: proxmoxTokenId, secret: proxmoxSecret }],
  users: [{ username: 'demo@pve', password: 'overcast-demo' }],
});
const azureLogin = {
  tenantId: '0c0c0c0c-0000-4000-8000-000000000001',
  clientId: '0c0c0c0c-0000-4000-8000-000000000002',
  secret: 'overcast-demo-azure-secret',
};
const azureSubscription = '0c0c0c0c-0000-4000-8000-000000000003';
const azure = await startAzureSim({
  host,
  port: base + 9,
  principals: [{ ...azureLogin, subscriptions: [azureSubscription] }],
  subscriptions: [{ id: azureSubscription, vms: machines, namePrefix: 'demo', resourceGroup: 'overcast' }],
});
const vsphereUser = { username: 'demo@vsphere.local', password: 'overcast-demo-vcenter' };
const vsphere = await startVsphereSim({
  host,
  port: base + 10,
  machines,
  namePrefix: 'demo',
  users: [vsphereUser],
});
const kubevirtToken = 'overcast-demo-kubevirt-token';
const kubevirt = await startKubevirtSim({
  host,
  port: base + 11,
  machines,
  namePrefix: 'demo',
  tokens: [{ token: kubevirtToken }],
});
for (const image of ['alpine:3.20', 'nginx:1.27']) docker.engine.addImage(image);
for (let i = 0; i < Math.min(machines, 200); i++) {
  const c = docker.engine.createContainer({
    name: `demo-${String(i).padStart(3, '0')}`,
    image: i % 2 ? 'nginx:1.27' : 'alpine:3.20',
    labels: { demo: 'true' },
    ports: i % 2 ? [{ privatePort: 80, type: 'tcp', publicPort: 18_000 + i }] : [],
  });
  if (i % 5 !== 4) docker.engine.start(c.id);
}
const serviceAccount = {
  type: 'service_account',
  project_id: 'overcast-demo',
  private_key_id: 'demo',
  private_key: keys.privateKey,
  client_email: email,
  token_uri: gce.tokenUri,
};

console.log(`Emulators running with ${machines} machines each. They listen on loopback, which
Overcast refuses to send requests to unless allowed: start the api and worker with
OVERCAST_OUTBOUND_ALLOW_PRIVATE_NETWORKS=127.0.0.0/8 (or add "127.0.0.0/8" to
outbound.allowPrivateNetworks in settings.json). Then, in Overcast, Add cloud:

AWS EC2          endpoint ${ec2.url}
                 access key id ${EC2_SIM_ACCESS_KEY_ID}   secret ${EC2_SIM_SECRET_ACCESS_KEY}
DigitalOcean     endpoint ${digitalocean.url}
                 token ${doToken}
Hetzner Cloud    endpoint ${hetzner.url}
                 token ${hetznerToken}
Linode           endpoint ${linode.url}
                 token ${linodeToken}
Vultr            endpoint ${vultr.url}
                 API key ${vultrToken}
OpenStack        auth URL ${openstack.authUrl}   region RegionOne
                 user ${openstackUser.name}   password ${openstackUser.password}
                 user domain ${openstackUser.domain}   project demo (domain Default)
Proxmox VE       endpoint ${proxmox.url}
                 API token ${proxmoxTokenId}=${proxmoxSecret}   (or user demo@pve, password overcast-demo)
                 certificate fingerprint ${proxmox.certificate.fingerprint}
Azure            endpoint ${azure.url}
                 tenant ${azureLogin.tenantId}   client id ${azureLogin.clientId}   secret ${azureLogin.secret}
                 login authority ${azure.url}   prices endpoint ${azure.url}
                 subnet /subscriptions/${azureSubscription}/resourceGroups/overcast/providers/Microsoft.Network/virtualNetworks/overcast-vnet/subnets/default
                 CA certificate (the emulator's own, made at start):
${azure.ca.trim()}
VMware vSphere   endpoint ${vsphere.url}
                 user ${vsphereUser.username}   password ${vsphereUser.password}
                 certificate fingerprint ${vsphere.fingerprint}
KubeVirt         kubeconfig:
${kubevirt.kubeconfig(kubevirtToken).trim()}
Compute Engine   endpoint ${gce.url}
                 service account key:
${JSON.stringify(serviceAccount)}

Docker           engine address unix://${docker.socketPath}  (or ${docker.tcpUrl?.replace('http:', 'tcp:')})

Ctrl-C stops them.`);

const stop = async () => {
  await Promise.all([
    ec2.close(),
    digitalocean.close(),
    gce.close(),
    docker.close(),
    hetzner.close(),
    linode.close(),
    vultr.close(),
    openstack.close(),
    proxmox.close(),
    azure.close(),
    vsphere.close(),
    kubevirt.close(),
  ]);
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
