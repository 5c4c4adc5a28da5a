import HistoryIcon from '@mui/icons-material/History';
import type { KeyUsage } from '../crypto/types';
import { UsageList } from './UsageList';

/** The KMS key-usage log (API path /api/kms/usage); read-only. */
export default {
  list: UsageList,
  show: undefined,
  edit: undefined,
  create: undefined,
  icon: HistoryIcon,
  recordRepresentation: (r: KeyUsage) => `${r.operation} #${r.id}`,
};
