import DeviceHubIcon from '@mui/icons-material/DeviceHub';
import type { CloudResource } from '../../cloud/types';
import { HavipCreate, HavipList, HavipShow } from './HavipViews';

export default { list: HavipList, show: HavipShow, create: HavipCreate, icon: DeviceHubIcon, recordRepresentation: (r: CloudResource) => r.name };
