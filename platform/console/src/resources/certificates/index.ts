import WorkspacePremiumIcon from '@mui/icons-material/WorkspacePremium';
import type { Certificate } from '../crypto/types';
import { CertificateCreate } from './CertificateCreate';
import { CertificateList } from './CertificateList';
import { CertificateShow } from './CertificateShow';

/** SM2 certificates of the zone's CA (API path /api/ca/certificates); issued as pairs, never edited. */
export default {
  list: CertificateList,
  show: CertificateShow,
  edit: undefined,
  create: CertificateCreate,
  icon: WorkspacePremiumIcon,
  recordRepresentation: (r: Certificate) => `${r.commonName} (${r.usage})`,
};
