import ApartmentIcon from '@mui/icons-material/Apartment';
import type { Tenant } from '../../api/types';
import { TenantCreate } from './TenantCreate';
import { TenantEdit } from './TenantEdit';
import { TenantList } from './TenantList';
import { TenantShow } from './TenantShow';

export default {
  list: TenantList,
  show: TenantShow,
  edit: TenantEdit,
  create: TenantCreate,
  icon: ApartmentIcon,
  recordRepresentation: (r: Tenant) => `${r.name}（${r.code}）`,
};
