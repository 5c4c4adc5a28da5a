import HubIcon from '@mui/icons-material/Hub';
import type { CloudResource } from '../../cloud/types';
import { VpcCreate } from './VpcCreate';
import { VpcList } from './VpcList';
import { VpcShow } from './VpcShow';

export default { list: VpcList, show: VpcShow, create: VpcCreate, icon: HubIcon, recordRepresentation: (r: CloudResource) => r.name };
