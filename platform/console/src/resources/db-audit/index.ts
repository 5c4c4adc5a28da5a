import CableIcon from '@mui/icons-material/Cable';
import GppMaybeIcon from '@mui/icons-material/GppMaybe';
import StorageIcon from '@mui/icons-material/Storage';
import { AlertList, ConnectionList, StatementList } from './DbAuditViews';

/** 数据库审计: statements (API /api/db-audit/statements), each with every recorded field in its expand panel. */
export const dbStatements = { list: StatementList, show: undefined, edit: undefined, create: undefined, icon: StorageIcon, recordRepresentation: (r: { id: number }) => `#${r.id}` };
/** Client sessions through the proxies (API /api/db-audit/connections). */
export const dbConnections = { list: ConnectionList, show: undefined, edit: undefined, create: undefined, icon: CableIcon, recordRepresentation: (r: { id: string }) => r.id };
/** Detections with severity (API /api/db-audit/alerts). */
export const dbAlerts = { list: AlertList, show: undefined, edit: undefined, create: undefined, icon: GppMaybeIcon, recordRepresentation: (r: { kind: string }) => r.kind };
export default dbStatements;
