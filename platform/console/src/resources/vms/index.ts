import ComputerIcon from '@mui/icons-material/Computer';
import type { CloudResource } from '../../cloud/types';
import { VmCreate } from './VmCreate';
import { VmList } from './VmList';
import { VmShow } from './VmShow';

export default { list: VmList, show: VmShow, create: VmCreate, icon: ComputerIcon, recordRepresentation: (r: CloudResource) => r.name };
