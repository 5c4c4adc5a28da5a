import VpnKeyIcon from '@mui/icons-material/VpnKey';
import type { KmsKey } from '../crypto/types';
import { KeyCreate } from './KeyCreate';
import { KeyEdit } from './KeyEdit';
import { KeyList } from './KeyList';
import { KeyShow } from './KeyShow';

/** KMS master keys (API path /api/kms/keys). */
export default {
  list: KeyList,
  show: KeyShow,
  edit: KeyEdit,
  create: KeyCreate,
  icon: VpnKeyIcon,
  recordRepresentation: (r: KmsKey) => r.alias,
};
