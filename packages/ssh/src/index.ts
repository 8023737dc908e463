export type { SignalName } from './channel';
export { DEFAULT_MAX_OUTPUT_BYTES, type ExecResult } from './collect';
export {
  connectSsh,
  type ExecOptions,
  type HostKeyInfo,
  type PinnedHostKey,
  pinnedHostKey,
  type SpawnOptions,
  SshConnection,
  type SshConnectOptions,
} from './connection';
export { SshError, type SshErrorKind } from './errors';
export { fingerprintOf, keyAlgorithmOf, normalizeFingerprint, publicKeyBlob } from './fingerprint';
export {
  authorizedKeyLine,
  type GenerateKeyPairOptions,
  generateKeyPair,
  type KeyPair,
  type KeyType,
  type LoadedPrivateKey,
  loadPrivateKey,
  type PrivateKeyInfo,
  parsePrivateKey,
} from './keys';
export { type ExitInfo, type OutputChunk, type ProcessControl, RemoteProcess } from './process';
export { sshToProviderError } from './provider-error';
export { commandLine, shellQuote } from './quote';
export { type ShellExit, type ShellOptions, ShellStream } from './shell';
