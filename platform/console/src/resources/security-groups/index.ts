import ShieldIcon from '@mui/icons-material/Shield';
import type { CloudResource } from '../../cloud/types';
import { SecurityGroupCreate, SecurityGroupList, SecurityGroupShow } from './SecurityGroupViews';

export default { list: SecurityGroupList, show: SecurityGroupShow, create: SecurityGroupCreate, icon: ShieldIcon, recordRepresentation: (r: CloudResource) => r.name };
