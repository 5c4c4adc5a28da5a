import NotificationsActiveIcon from '@mui/icons-material/NotificationsActive';
import RuleIcon from '@mui/icons-material/Rule';
import SettingsInputAntennaIcon from '@mui/icons-material/SettingsInputAntenna';
import { AlertList } from './AlertList';
import { AlertShow } from './AlertShow';
import { RuleList, RuleShow } from './RuleList';
import { SourceCreate, SourceList } from './SourceList';

export { LogDashboardPage } from './LogDashboardPage';
export { LogSearchPage } from './LogSearchPage';

/** 日志审计 alerts (API /api/log-audit/alerts) with the status workflow. */
export const logAlerts = { list: AlertList, show: AlertShow, edit: undefined, create: undefined, icon: NotificationsActiveIcon, recordRepresentation: (r: { ruleTitle: string }) => r.ruleTitle };
/** Log sources (API /api/log-audit/sources). */
export const logSources = { list: SourceList, show: undefined, edit: undefined, create: SourceCreate, icon: SettingsInputAntennaIcon, recordRepresentation: (r: { name: string }) => r.name };
/** Sigma rules (API /api/log-audit/rules). */
export const logRules = { list: RuleList, show: RuleShow, edit: undefined, create: undefined, icon: RuleIcon, recordRepresentation: (r: { title: string }) => r.title };
export default logAlerts;
