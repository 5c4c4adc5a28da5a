import AssessmentIcon from '@mui/icons-material/Assessment';
import DnsIcon from '@mui/icons-material/Dns';
import GavelIcon from '@mui/icons-material/Gavel';
import HowToRegIcon from '@mui/icons-material/HowToReg';
import PlaylistAddCheckIcon from '@mui/icons-material/PlaylistAddCheck';
import TerminalIcon from '@mui/icons-material/Terminal';
import KeyIcon from '@mui/icons-material/Key';
import RouterIcon from '@mui/icons-material/Router';
import VpnLockIcon from '@mui/icons-material/VpnLock';
import { AdminSourceCreate, AdminSourceList, KeyCreate, KeyList, MacRuleCreate, MacRuleList } from './AccessViews';
import { AssetCreate, AssetEdit, AssetList, AssetShow } from './AssetViews';
import { GrantCreate, GrantList } from './GrantViews';
import { ApprovalList, RuleCreate, RuleList } from './RuleViews';
import { ReportsPage } from './ReportsPage';
import { SessionList, SessionShow } from './SessionViews';
import type { BastionAsset, BastionSession } from './types';

/** 堡垒机 assets with their folder tree and accounts (API /api/bastion/assets). */
export const bastionAssets = { list: AssetList, show: AssetShow, edit: AssetEdit, create: AssetCreate, icon: DnsIcon, recordRepresentation: (r: BastionAsset) => r.name };
/** Grants (API /api/bastion/grants). */
export const bastionGrants = { list: GrantList, show: undefined, edit: undefined, create: GrantCreate, icon: HowToRegIcon, recordRepresentation: (r: { operatorLogin: string; accountUsername: string }) => `${r.operatorLogin} → ${r.accountUsername}` };
/** Command rules (API /api/bastion/command-rules). */
export const bastionRules = { list: RuleList, show: undefined, edit: undefined, create: RuleCreate, icon: GavelIcon, recordRepresentation: (r: { name: string }) => r.name };
/** Command approvals (API /api/bastion/approvals). */
export const bastionApprovals = { list: ApprovalList, show: undefined, edit: undefined, create: undefined, icon: PlaylistAddCheckIcon, recordRepresentation: (r: { command: string }) => r.command };
/** Sessions with commands, transfers and the recording player (API /api/bastion/sessions). */
export const bastionSessions = { list: SessionList, show: SessionShow, edit: undefined, create: undefined, icon: TerminalIcon, recordRepresentation: (r: BastionSession) => `${r.operatorLogin}@${r.assetName}` };
/** 审计报表: bastion and database-audit reports as Excel, Word, PDF or HTML (API /api/bastion/reports, /api/db-audit/reports). */
export const bastionReports = { list: ReportsPage, show: undefined, edit: undefined, create: undefined, icon: AssessmentIcon, recordRepresentation: () => '' };
/** 我的公钥: the account's SSH public keys for the gateway (API /api/bastion/profile/keys). */
export const bastionKeys = { list: KeyList, show: undefined, edit: undefined, create: KeyCreate, icon: KeyIcon, recordRepresentation: (r: { name: string }) => r.name };
/** Admin source ranges (API /api/bastion/admin-sources). */
export const bastionAdminSources = { list: AdminSourceList, show: undefined, edit: undefined, create: AdminSourceCreate, icon: VpnLockIcon, recordRepresentation: (r: { cidr: string }) => r.cidr };
/** MAC address login rules (API /api/bastion/mac-rules). */
export const bastionMacRules = { list: MacRuleList, show: undefined, edit: undefined, create: MacRuleCreate, icon: RouterIcon, recordRepresentation: (r: { name: string }) => r.name };
export default bastionSessions;
