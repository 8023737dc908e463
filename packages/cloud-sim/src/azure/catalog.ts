// What the emulated Azure offers: regions, VM sizes with their retail prices, marketplace images.

export interface SimLocation {
  name: string;
  displayName: string;
  regionalDisplayName: string;
  geography: string;
  latitude: string;
  longitude: string;
}

export const LOCATIONS: SimLocation[] = [
  {
    name: 'eastus',
    displayName: 'East US',
    regionalDisplayName: '(US) East US',
    geography: 'United States',
    latitude: '37.3719',
    longitude: '-79.8164',
  },
  {
    name: 'westeurope',
    displayName: 'West Europe',
    regionalDisplayName: '(Europe) West Europe',
    geography: 'Europe',
    latitude: '52.3667',
    longitude: '4.9',
  },
  {
    name: 'japaneast',
    displayName: 'Japan East',
    regionalDisplayName: '(Asia Pacific) Japan East',
    geography: 'Japan',
    latitude: '35.68',
    longitude: '139.77',
  },
];

export interface SimSize {
  name: string;
  numberOfCores: number;
  memoryInMB: number;
  resourceDiskSizeInMB: number;
  osDiskSizeInMB: number;
  maxDataDiskCount: number;
  /** Linux pay-as-you-go USD per hour, East US; other regions scale by REGION_FACTOR. */
  hourly: number;
}

export const SIZES: SimSize[] = [
  {
    name: 'Standard_B1s',
    numberOfCores: 1,
    memoryInMB: 1024,
    resourceDiskSizeInMB: 4096,
    osDiskSizeInMB: 1047552,
    maxDataDiskCount: 2,
    hourly: 0.0104,
  },
  {
    name: 'Standard_B2s',
    numberOfCores: 2,
    memoryInMB: 4096,
    resourceDiskSizeInMB: 8192,
    osDiskSizeInMB: 1047552,
    maxDataDiskCount: 4,
    hourly: 0.0416,
  },
  {
    name: 'Standard_D2s_v5',
    numberOfCores: 2,
    memoryInMB: 8192,
    resourceDiskSizeInMB: 0,
    osDiskSizeInMB: 1047552,
    maxDataDiskCount: 4,
    hourly: 0.096,
  },
  {
    name: 'Standard_D4s_v5',
    numberOfCores: 4,
    memoryInMB: 16384,
    resourceDiskSizeInMB: 0,
    osDiskSizeInMB: 1047552,
    maxDataDiskCount: 8,
    hourly: 0.192,
  },
  {
    name: 'Standard_E2s_v5',
    numberOfCores: 2,
    memoryInMB: 16384,
    resourceDiskSizeInMB: 0,
    osDiskSizeInMB: 1047552,
    maxDataDiskCount: 4,
    hourly: 0.126,
  },
];

export const REGION_FACTOR: Record<string, number> = { eastus: 1, westeurope: 1.1, japaneast: 1.25 };

/** Managed disk tiers per SKU: [tier, GiB, USD a month in East US], as the Retail Prices API lists them. */
export const DISK_TIERS: Record<string, { product: string; tiers: Array<[string, number, number]> }> = {
  Premium_LRS: {
    product: 'Premium SSD Managed Disks',
    tiers: [
      ['P4', 32, 5.28],
      ['P6', 64, 10.21],
      ['P10', 128, 19.71],
      ['P15', 256, 38.01],
      ['P20', 512, 73.22],
      ['P30', 1024, 135.17],
    ],
  },
  StandardSSD_LRS: {
    product: 'Standard SSD Managed Disks',
    tiers: [
      ['E4', 32, 2.4],
      ['E6', 64, 4.8],
      ['E10', 128, 9.6],
      ['E15', 256, 19.2],
      ['E20', 512, 38.4],
      ['E30', 1024, 76.8],
    ],
  },
  Standard_LRS: {
    product: 'Standard HDD Managed Disks',
    tiers: [
      ['S4', 32, 1.54],
      ['S6', 64, 3.01],
      ['S10', 128, 5.89],
      ['S15', 256, 11.33],
      ['S20', 512, 21.76],
      ['S30', 1024, 40.96],
    ],
  },
};

export interface SimImage {
  publisher: string;
  offer: string;
  sku: string;
  version: string;
  osType: 'Linux' | 'Windows';
}

export const IMAGES: SimImage[] = [
  {
    publisher: 'Canonical',
    offer: 'ubuntu-24_04-lts',
    sku: 'server',
    version: '24.04.202501140',
    osType: 'Linux',
  },
  {
    publisher: 'Canonical',
    offer: '0001-com-ubuntu-server-jammy',
    sku: '22_04-lts-gen2',
    version: '22.04.202501150',
    osType: 'Linux',
  },
  { publisher: 'Debian', offer: 'debian-12', sku: '12-gen2', version: '0.20250113.1998', osType: 'Linux' },
  {
    publisher: 'MicrosoftWindowsServer',
    offer: 'WindowsServer',
    sku: '2022-datacenter-azure-edition',
    version: '20348.2966.250110',
    osType: 'Windows',
  },
];
