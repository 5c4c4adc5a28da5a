import WorkspacesIcon from '@mui/icons-material/Workspaces';
import type { CloudResource } from '../../cloud/types';
import { ServerGroupCreate, ServerGroupList, ServerGroupShow } from './ServerGroupViews';

export default { list: ServerGroupList, show: ServerGroupShow, create: ServerGroupCreate, icon: WorkspacesIcon, recordRepresentation: (r: CloudResource) => r.name };
