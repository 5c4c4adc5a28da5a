// The CrossGuard pack: `pulumi up --stack liangcheng-dmz --policy-pack policies/pack`.
// Never import this file from a test: `new PolicyPack` starts a gRPC server that never exits.
import path from 'node:path';
import { PolicyPack } from '@pulumi/policy';
import { loadPackContext } from './context-loader';
import { crossGuardPolicies, stackOfUrn } from './policies';

const { ctx, zoneOfStack } = loadPackContext(path.resolve(__dirname, '..', '..'));

new PolicyPack('yiyun-dengbao-l3', {
  policies: crossGuardPolicies(ctx, (urn) => {
    const stack = stackOfUrn(urn);
    return stack === undefined ? undefined : zoneOfStack.get(stack);
  }),
});
