import AdminPanelSettingsIcon from '@mui/icons-material/AdminPanelSettings';
import type { Role } from '../../api/types';
import { RoleList } from './RoleList';

/** Read-only: the API offers no way to change roles. */
export default {
  list: RoleList,
  show: undefined,
  edit: undefined,
  create: undefined,
  icon: AdminPanelSettingsIcon,
  recordRepresentation: (r: Role) => r.zh,
};
