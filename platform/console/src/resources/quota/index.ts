import DonutSmallIcon from '@mui/icons-material/DonutSmall';
import { QuotaPage } from './QuotaPage';

export default { list: QuotaPage, icon: DonutSmallIcon };
