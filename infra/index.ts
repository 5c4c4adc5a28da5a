// The Pulumi program (Pulumi.yaml `main: infra/`): `pulumi up --stack liangcheng-dmz`.
// `yiyun plan` runs the same builder under mocks (infra/plan/plan.ts) and never imports this file.
import { runProgram } from './program';

const estate = runProgram();

export const zone = estate.zone;
export const tiers = estate.tiers;
export const tenants = estate.tenants;
export const havips = estate.havips;
export const gatekeeper = estate.gatekeeper;
export const flavors = estate.flavors.map((f) => f.name);
export const volumeTypes = estate.volumeTypes;
