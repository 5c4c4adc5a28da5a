import LanIcon from '@mui/icons-material/Lan';
import type { CloudResource } from '../../cloud/types';
import { SubnetCreate } from './SubnetCreate';
import { SubnetList } from './SubnetList';
import { SubnetShow } from './SubnetShow';

export default { list: SubnetList, show: SubnetShow, create: SubnetCreate, icon: LanIcon, recordRepresentation: (r: CloudResource) => r.name };
