import VerifiedIcon from '@mui/icons-material/Verified';
export { ComplianceDashboard } from './ComplianceDashboard';
import { ItemList } from './ItemList';
import { ItemShow } from './ItemShow';
import type { ComplianceItem } from './types';

export { COMPLIANCE_DASHBOARD_PATH } from './types';

/** The compliance room's items (API path /api/compliance/items), keyed by their GB/T 28448 / 密评 unit id. */
export default {
  list: ItemList,
  show: ItemShow,
  edit: undefined,
  create: undefined,
  icon: VerifiedIcon,
  recordRepresentation: (r: ComplianceItem) => `${r.id} ${r.controlPoint}`,
};
