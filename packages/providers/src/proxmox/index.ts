export type { ProxmoxCredentials } from './config';
export { createProxmoxDriver, createProxmoxDriverWithCertificate, type ProxmoxDriver } from './driver';
export { proxmoxModule } from './module';
export type { CertificateInfo } from './tls';
