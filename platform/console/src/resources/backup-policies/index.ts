import ScheduleIcon from '@mui/icons-material/Schedule';
import type { CloudResource } from '../../cloud/types';
import { BackupPolicyCreate, BackupPolicyList, BackupPolicyShow } from './BackupPolicyViews';

export default { list: BackupPolicyList, show: BackupPolicyShow, create: BackupPolicyCreate, icon: ScheduleIcon, recordRepresentation: (r: CloudResource) => r.name };
