import type { Logger } from '../../../../core/log';
import { UpstreamError } from '../../../../core/errors';
import type { OpenStackZoneConfig } from '../../zones-config';
import { DEFAULT_TIMINGS, type CloudDriver } from '../cloud-driver';

/**
 * The OpenStack driver. NOT YET IMPLEMENTED: every call answers UpstreamError `cloud.driver_unimplemented`.
 * The interface it must fill is CloudDriver; see docs in the issue report.
 */
export function createOpenStackDriver(opts: { zone: string; config: OpenStackZoneConfig; logger: Pick<Logger, 'info' | 'warn'> }): CloudDriver {
  const fail = async (): Promise<never> => {
    throw new UpstreamError(`the OpenStack driver for ${opts.zone} is not implemented yet`, { code: 'cloud.driver_unimplemented' });
  };
  opts.logger.warn({ zone: opts.zone, authUrl: opts.config.authUrl }, 'OpenStack driver configured but not implemented: calls will fail');
  return new Proxy({ kind: 'openstack', zone: opts.zone, timings: { ...DEFAULT_TIMINGS, ...opts.config.timings } } as unknown as CloudDriver, {
    get: (target, prop) => (prop in target ? (target as unknown as Record<string | symbol, unknown>)[prop] : fail),
  });
}
