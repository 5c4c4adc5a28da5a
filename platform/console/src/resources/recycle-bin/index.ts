import RecyclingIcon from '@mui/icons-material/Recycling';
import type { CloudResource } from '../../cloud/types';
import { RecycleBinList } from './RecycleBinList';

export default { list: RecycleBinList, icon: RecyclingIcon, recordRepresentation: (r: CloudResource) => r.name };
