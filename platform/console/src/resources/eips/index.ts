import PublicIcon from '@mui/icons-material/Public';
import type { CloudResource } from '../../cloud/types';
import { EipCreate, EipList, EipShow } from './EipViews';

export default { list: EipList, show: EipShow, create: EipCreate, icon: PublicIcon, recordRepresentation: (r: CloudResource) => `${r.name}（${r.spec.ip ?? ''}）` };
