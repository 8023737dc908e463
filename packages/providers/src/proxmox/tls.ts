// The pinning lives in common/ (vSphere pins its vCenter the same way); Proxmox's modules import it here.
export {
  type CertificateInfo,
  CertificateMismatch,
  learnedPin,
  normalizeFingerprint,
  PinnedAgent,
} from '../common/pinned-tls';
