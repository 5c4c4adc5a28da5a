import FactCheckIcon from '@mui/icons-material/FactCheck';
import type { AuditRecord } from '../../api/types';
import { AuditList } from './AuditList';
import { AuditShow } from './AuditShow';

/** The audit trail (API path /api/audit/records); records are keyed by their sequence number. */
export default {
  list: AuditList,
  show: AuditShow,
  edit: undefined,
  create: undefined,
  icon: FactCheckIcon,
  recordRepresentation: (r: AuditRecord) => `#${r.seq} ${r.action}`,
};
