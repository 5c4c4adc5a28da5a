import StorageIcon from '@mui/icons-material/Storage';
import type { CloudResource } from '../../cloud/types';
import { DiskCreate, DiskList, DiskShow } from './DiskViews';

export default { list: DiskList, show: DiskShow, create: DiskCreate, icon: StorageIcon, recordRepresentation: (r: CloudResource) => r.name };
