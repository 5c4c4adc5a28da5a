import * as openstack from '@pulumi/openstack';
import * as pulumi from '@pulumi/pulumi';
import type { EstateConfig } from '../config/config-schema';
import { flavorCatalogue, type FlavorSpec } from './compute-plan';

export interface ComputeArgs {
  readonly zone: string;
  readonly aggregates: EstateConfig['aggregates'];
}

/** Host name convention of the site: <zone>-<aggregate>-NN (the racks are labelled the same way). */
export function hostNames(zone: string, aggregate: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${zone}-${aggregate}-${String(i + 1).padStart(2, '0')}`);
}

/**
 * The zone's hypervisor aggregates and its flavor catalogue. Flavors that only large-memory hosts
 * hold are pinned there through the aggregate's metadata (AggregateInstanceExtraSpecsFilter).
 */
export class Compute extends pulumi.ComponentResource {
  readonly flavors: FlavorSpec[];
  readonly aggregates: openstack.compute.AggregateV2[] = [];

  constructor(name: string, args: ComputeArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('yiyun:compute:Compute', name, {}, opts);
    const parent = { parent: this };
    const z = args.zone;
    for (const a of args.aggregates) {
      this.aggregates.push(new openstack.compute.AggregateV2(`${z}-agg-${a.name}`, {
        name: `${z}-${a.name}`,
        zone: a.availabilityZone,
        hosts: hostNames(z, a.name, a.hosts),
        metadata: {
          purpose: a.purpose,
          'yiyun.host-vcpu': String(a.host.vcpu),
          'yiyun.host-ram-gb': String(a.host.ramGb),
        },
      }, parent));
    }
    this.flavors = flavorCatalogue(args.aggregates);
    for (const f of this.flavors) {
      new openstack.compute.Flavor(`${z}-flavor-${f.name}`, {
        name: f.name,
        vcpus: f.vcpus,
        ram: f.ramGb * 1024,
        disk: f.diskGb,
        isPublic: true,
        extraSpecs: {
          'aggregate_instance_extra_specs:purpose': f.purpose,
          'hw:watchdog_action': 'reset',
        },
      }, parent);
    }
    this.registerOutputs({ flavors: this.flavors.map((f) => f.name) });
  }
}
