import BackupIcon from '@mui/icons-material/Backup';
import type { CloudResource } from '../../cloud/types';
import { BackupCreate, BackupList, BackupShow } from './BackupViews';

export default { list: BackupList, show: BackupShow, create: BackupCreate, icon: BackupIcon, recordRepresentation: (r: CloudResource) => r.name };
