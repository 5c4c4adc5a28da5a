import PhotoCameraIcon from '@mui/icons-material/PhotoCamera';
import type { CloudResource } from '../../cloud/types';
import { SnapshotCreate, SnapshotList, SnapshotShow } from './SnapshotViews';

export default { list: SnapshotList, show: SnapshotShow, create: SnapshotCreate, icon: PhotoCameraIcon, recordRepresentation: (r: CloudResource) => r.name };
