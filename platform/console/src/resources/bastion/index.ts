import DnsIcon from '@mui/icons-material/Dns';
import GavelIcon from '@mui/icons-material/Gavel';
import HowToRegIcon from '@mui/icons-material/HowToReg';
import PlaylistAddCheckIcon from '@mui/icons-material/PlaylistAddCheck';
import TerminalIcon from '@mui/icons-material/Terminal';
import { AssetCreate, AssetEdit, AssetList, AssetShow } from './AssetViews';
import { GrantCreate, GrantList } from './GrantViews';
import { ApprovalList, RuleCreate, RuleList } from './RuleViews';
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
export default bastionSessions;
