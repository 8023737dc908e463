// ARM's JSON shapes for the emulated resources, as the Azure REST API reference documents them.

import type { ArmState, Disk, Nic, PublicIp, Snapshot, Vm } from './model';

const POWER_LABEL: Record<Vm['power'], string> = {
  starting: 'VM starting',
  running: 'VM running',
  stopping: 'VM stopping',
  stopped: 'VM stopped',
  deallocating: 'VM deallocating',
  deallocated: 'VM deallocated',
};

export function instanceView(vm: Vm) {
  return {
    computerName: vm.name,
    osName: vm.image.offer,
    statuses: [
      {
        code: `ProvisioningState/${vm.provisioningState.toLowerCase()}`,
        level: 'Info',
        displayStatus: `Provisioning ${vm.provisioningState.toLowerCase()}`,
        time: vm.timeCreated,
      },
      { code: `PowerState/${vm.power}`, level: 'Info', displayStatus: POWER_LABEL[vm.power] },
    ],
  };
}

export function renderVm(state: ArmState, vm: Vm, withInstanceView = false) {
  const osDisk = state.disk(vm.osDiskId);
  return {
    name: vm.name,
    id: vm.id,
    type: 'Microsoft.Compute/virtualMachines',
    location: vm.location,
    tags: vm.tags,
    properties: {
      vmId: vm.vmId,
      hardwareProfile: { vmSize: vm.size },
      storageProfile: {
        imageReference: {
          publisher: vm.image.publisher,
          offer: vm.image.offer,
          sku: vm.image.sku,
          version: 'latest',
          exactVersion: vm.image.version,
        },
        osDisk: {
          osType: vm.image.osType,
          name: osDisk?.name ?? vm.osDiskId.split('/').pop(),
          createOption: 'FromImage',
          caching: 'ReadWrite',
          managedDisk: { storageAccountType: osDisk?.sku ?? 'Premium_LRS', id: vm.osDiskId },
          deleteOption: vm.osDiskDelete,
          diskSizeGB: osDisk?.sizeGb ?? 30,
        },
        dataDisks: vm.dataDisks.map((d) => {
          const disk = state.disk(d.diskId);
          return {
            lun: d.lun,
            name: disk?.name ?? d.diskId.split('/').pop(),
            createOption: 'Attach',
            caching: 'None',
            managedDisk: { storageAccountType: disk?.sku ?? 'Premium_LRS', id: d.diskId },
            deleteOption: d.deleteOption,
            diskSizeGB: disk?.sizeGb ?? 0,
            toBeDetached: false,
          };
        }),
        diskControllerType: 'SCSI',
      },
      osProfile: {
        computerName: vm.name,
        adminUsername: vm.adminUsername,
        ...(vm.image.osType === 'Linux'
          ? {
              linuxConfiguration: {
                disablePasswordAuthentication: vm.sshKeys.length > 0,
                ssh: {
                  publicKeys: vm.sshKeys.map((keyData) => ({
                    path: `/home/${vm.adminUsername}/.ssh/authorized_keys`,
                    keyData,
                  })),
                },
                provisionVMAgent: true,
              },
            }
          : { windowsConfiguration: { provisionVMAgent: true, enableAutomaticUpdates: true } }),
        secrets: [],
        allowExtensionOperations: true,
      },
      networkProfile: {
        networkInterfaces: vm.nics.map((n, i) => ({
          id: n.id,
          properties: { primary: i === 0, deleteOption: n.deleteOption },
        })),
      },
      provisioningState: vm.provisioningState,
      timeCreated: vm.timeCreated,
      ...(withInstanceView ? { instanceView: instanceView(vm) } : {}),
    },
  };
}

const TIERS: Record<string, string> = {
  Premium_LRS: 'Premium',
  StandardSSD_LRS: 'Standard',
  Standard_LRS: 'Standard',
};

export function renderDisk(state: ArmState, d: Disk) {
  const owner = d.managedBy ? state.vm(d.managedBy) : undefined;
  const diskState = !owner ? 'Unattached' : owner.power === 'deallocated' ? 'Reserved' : 'Attached';
  return {
    name: d.name,
    id: d.id,
    type: 'Microsoft.Compute/disks',
    location: d.location,
    tags: d.tags,
    ...(d.managedBy ? { managedBy: d.managedBy } : {}),
    sku: { name: d.sku, tier: TIERS[d.sku] ?? 'Standard' },
    properties: {
      ...(d.osType ? { osType: d.osType } : {}),
      creationData: d.copiedFrom
        ? { createOption: 'Copy', sourceResourceId: d.copiedFrom }
        : { createOption: d.osType ? 'FromImage' : 'Empty' },
      diskSizeGB: d.sizeGb,
      diskSizeBytes: d.sizeGb * 1024 ** 3,
      uniqueId: d.uniqueId,
      provisioningState: d.provisioningState,
      diskState,
      timeCreated: d.timeCreated,
      networkAccessPolicy: 'AllowAll',
      publicNetworkAccess: 'Enabled',
    },
  };
}

export function renderSnapshot(s: Snapshot) {
  return {
    name: s.name,
    id: s.id,
    type: 'Microsoft.Compute/snapshots',
    location: s.location,
    tags: s.tags,
    sku: { name: 'Standard_LRS', tier: 'Standard' },
    properties: {
      ...(s.osType ? { osType: s.osType } : {}),
      creationData: {
        createOption: 'Copy',
        sourceResourceId: s.sourceResourceId,
        sourceUniqueId: s.sourceUniqueId,
      },
      diskSizeGB: s.sizeGb,
      diskSizeBytes: s.sizeGb * 1024 ** 3,
      uniqueId: s.uniqueId,
      incremental: s.incremental,
      provisioningState: s.provisioningState,
      diskState: 'Unattached',
      timeCreated: s.timeCreated,
      networkAccessPolicy: 'AllowAll',
      publicNetworkAccess: 'Enabled',
    },
  };
}

export function renderNic(state: ArmState, n: Nic) {
  const pip = n.publicIpId ? state.publicIp(n.publicIpId) : undefined;
  return {
    name: n.name,
    id: n.id,
    type: 'Microsoft.Network/networkInterfaces',
    location: n.location,
    properties: {
      provisioningState: 'Succeeded',
      ipConfigurations: [
        {
          name: 'ipconfig1',
          id: `${n.id}/ipConfigurations/ipconfig1`,
          type: 'Microsoft.Network/networkInterfaces/ipConfigurations',
          properties: {
            provisioningState: 'Succeeded',
            privateIPAddress: n.privateIp,
            privateIPAllocationMethod: 'Dynamic',
            subnet: { id: n.subnetId },
            ...(pip
              ? { publicIPAddress: { id: pip.id, properties: { deleteOption: n.pipDeleteOption } } }
              : {}),
            primary: true,
            privateIPAddressVersion: 'IPv4',
          },
        },
      ],
      ...(n.vmId ? { virtualMachine: { id: n.vmId } } : {}),
      ...(n.nsgId ? { networkSecurityGroup: { id: n.nsgId } } : {}),
      primary: true,
      enableAcceleratedNetworking: false,
      enableIPForwarding: false,
    },
  };
}

export function renderPublicIp(p: PublicIp) {
  return {
    name: p.name,
    id: p.id,
    type: 'Microsoft.Network/publicIPAddresses',
    location: p.location,
    sku: { name: 'Standard', tier: 'Regional' },
    properties: {
      provisioningState: 'Succeeded',
      ipAddress: p.ip,
      publicIPAddressVersion: 'IPv4',
      publicIPAllocationMethod: 'Static',
      idleTimeoutInMinutes: 4,
      ...(p.nicId ? { ipConfiguration: { id: `${p.nicId}/ipConfigurations/ipconfig1` } } : {}),
    },
  };
}
