import NotificationsActiveIcon from '@mui/icons-material/NotificationsActive';
import RuleIcon from '@mui/icons-material/Rule';
import SettingsInputAntennaIcon from '@mui/icons-material/SettingsInputAntenna';
import { AlertList } from './AlertList';
import { AlertShow } from './AlertShow';
import { RuleList, RuleShow } from './RuleList';
import { SourceCreate, SourceEdit, SourceList } from './SourceList';
import { ParserCreate, ParserEdit, ParserList } from './ParserEditor';
import TransformIcon from '@mui/icons-material/Transform';

export { LogDashboardPage } from './LogDashboardPage';
export { LogSearchPage } from './LogSearchPage';
export { RetentionPage as LogRetentionPage } from './RetentionPage';

/** 日志审计 alerts (API /api/log-audit/alerts) with the status workflow. */
export const logAlerts = { list: AlertList, show: AlertShow, edit: undefined, create: undefined, icon: NotificationsActiveIcon, recordRepresentation: (r: { ruleTitle: string }) => r.ruleTitle };
/** Log sources (API /api/log-audit/sources). */
export const logSources = { list: SourceList, show: undefined, edit: SourceEdit, create: SourceCreate, icon: SettingsInputAntennaIcon, recordRepresentation: (r: { name: string }) => r.name };
/** Sigma rules (API /api/log-audit/rules). */
export const logRules = { list: RuleList, show: RuleShow, edit: undefined, create: undefined, icon: RuleIcon, recordRepresentation: (r: { title: string }) => r.title };
/** The parse editor's parsers (API /api/log-audit/parsers). */
export const logParsers = { list: ParserList, show: undefined, edit: ParserEdit, create: ParserCreate, icon: TransformIcon, recordRepresentation: (r: { name: string }) => r.name };
export default logAlerts;
