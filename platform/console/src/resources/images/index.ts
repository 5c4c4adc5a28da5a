import AlbumIcon from '@mui/icons-material/Album';
import type { CloudResource } from '../../cloud/types';
import { ImageCreate, ImageList, ImageShow } from './ImageViews';

export default { list: ImageList, show: ImageShow, create: ImageCreate, icon: AlbumIcon, recordRepresentation: (r: CloudResource) => r.name };
