/** The bastion's API shapes as the console sees them (security/bastion/bastion-schemas.ts, dates as ISO strings). */
export type BastionAsset = { id: string; name: string; address: string; port: number; protocol: string; osType: string; folder: string; encoding: string; tenantId: string | null; hostKeySha256: string | null; enabled: boolean; cloudVmId?: string | null; retiredAt?: string | null; createdAt: string };
export type BastionAccount = { id: string; assetId: string; username: string; authKind: string; rotateEveryDays: number | null; lastRotatedAt: string | null; createdAt: string };
export type BastionGrant = { id: string; operatorAccountId: string; operatorLogin: string; assetId: string | null; folder: string | null; accountUsername: string; protocols: string[]; validFrom: string; validUntil: string; createdBy: string; createdAt: string; expired: boolean };
export type BastionRule = { id: string; name: string; pattern: string; action: 'allow' | 'deny' | 'approve'; priority: number; enabled: boolean; createdAt: string };
export type BastionApproval = { id: string; operatorLogin: string; assetId: string; command: string; ruleId: string | null; status: string; decidedBy: string | null; decidedAt: string | null; createdAt: string };
export type BastionSession = {
  id: string; operatorLogin: string; sourceIp: string | null; assetId: string; assetName: string; accountUsername: string; kind: string; command: string | null;
  startedAt: string; endedAt: string | null; endReason: string | null; exitCode: number | null; recordingBytes: number; live: boolean;
};
export type BastionCommand = { id: number; at: string; command: string; verdict: string; ruleId: string | null };
export type BastionTransfer = { id: number; at: string; direction: string; path: string; size: number; sm3: string | null; protocol: string };
export type BastionSessionDetail = BastionSession & { commands: BastionCommand[]; transfers: BastionTransfer[] };
