import { systemActor } from '../../core/authz';
import type { CloudCore } from './cloud-core';
import type { ServerState } from './driver/cloud-driver';

/** What a VM order's next step is, given what the driver reports. Pure. */
export function orderOutcome(action: string, expect: string | undefined, state: ServerState): { wait: true } | { complete: string } | { fail: string } {
  if (state.status === 'DELETED') return { fail: 'the server is gone from the region' };
  if (state.status === 'ERROR') return { fail: state.fault ?? 'the server went to ERROR' };
  if (action === 'create') return state.status === 'ACTIVE' ? { complete: 'ACTIVE' } : { wait: true };
  // A resize passes RESIZE and VERIFY_RESIZE (the driver confirms it) and settles where the VM was.
  const target = expect ?? 'ACTIVE';
  return state.status === target ? { complete: target } : { wait: true };
}

/**
 * The order watch: every VM order the driver accepted stays `running` until the driver reports the server
 * settled — ACTIVE (completed, and the VM's status with it) or ERROR/gone (failed with the reason, the VM's
 * quota freed). Runs in the settle job; one failing zone never stops the others.
 */
export function createOrderWatch(core: CloudCore) {
  const { dal, db, drivers, logger } = core.deps;
  const actor = systemActor('cloud-order-watch');

  return {
    async reconcile(): Promise<{ completed: number; failed: number }> {
      let completed = 0;
      let failed = 0;
      for (const o of await dal.pendingVmOrders()) {
        if (!drivers.has(o.zone)) continue;
        // The server lives in the tenant's project when each tenant has its own: ask with that project's token.
        const driver = core.driverFor(o.zone, o.tenant_id);
        let state: ServerState;
        if (o.vm_status === null) state = { status: 'DELETED', fault: 'the VM was deleted before it was ready' };
        else if (!o.provider_ref) continue; // still being placed by its request
        else {
          try {
            state = await driver.serverStatus(o.provider_ref);
          } catch (err) {
            logger?.warn({ err, zone: o.zone, orderId: o.id }, 'server status not readable; the order stays running');
            continue;
          }
        }
        const next = orderOutcome(o.action, (o.detail as { expect?: string }).expect, state);
        if ('wait' in next) continue;
        await db.transaction().execute(async (tx) => {
          const cur = await dal.lockOrder(o.id, tx);
          if (!cur || (cur.status !== 'running' && cur.status !== 'submitted')) return;
          const vm = o.resource_id ? await dal.lock(o.resource_id, tx) : undefined;
          if ('complete' in next) {
            await dal.updateOrder(o.id, { status: 'completed', detail: { ...cur.detail, settledAs: next.complete } }, tx);
            if (vm) {
              await dal.update(vm.id, { status: next.complete, next_status: null, next_at: null }, tx);
              await core.audit(tx, actor, o.action === 'create' ? 'vm.active' : 'vm.resize_completed', vm, { detail: { orderId: o.id, status: next.complete } });
            }
            completed++;
          } else {
            await dal.updateOrder(o.id, { status: 'failed', detail: { ...cur.detail, reason: next.fail } }, tx);
            // A VM that never came up holds no quota; a failed resize leaves the VM as the driver reports it.
            if (vm) {
              const patch = o.action === 'create' ? { status: 'ERROR', vcpus: 0, ram_gb: 0, next_status: null, next_at: null, spec: { ...vm.spec, fault: next.fail } } : { status: state.status === 'DELETED' ? 'ERROR' : state.status, next_status: null, next_at: null, spec: { ...vm.spec, fault: next.fail } };
              await dal.update(vm.id, patch, tx);
              await core.audit(tx, actor, o.action === 'create' ? 'vm.create_failed' : 'vm.resize_failed', vm, { outcome: 'failure', detail: { orderId: o.id, reason: next.fail } });
            }
            failed++;
          }
        });
      }
      return { completed, failed };
    },
  };
}

export type OrderWatch = ReturnType<typeof createOrderWatch>;
