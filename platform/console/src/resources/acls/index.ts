import RuleIcon from '@mui/icons-material/Rule';
import type { CloudResource } from '../../cloud/types';
import { AclCreate, AclList, AclShow } from './AclViews';

export default { list: AclList, show: AclShow, create: AclCreate, icon: RuleIcon, recordRepresentation: (r: CloudResource) => r.name };
