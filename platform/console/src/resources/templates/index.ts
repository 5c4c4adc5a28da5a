import ViewQuiltIcon from '@mui/icons-material/ViewQuilt';
import type { CloudResource } from '../../cloud/types';
import { TemplateCreate, TemplateList, TemplateShow } from './TemplateViews';

export default { list: TemplateList, show: TemplateShow, create: TemplateCreate, icon: ViewQuiltIcon, recordRepresentation: (r: CloudResource) => r.name };
