import { StatusChip } from '../../components/fields';
import type { KmsKey } from '../crypto/types';

export const KEY_STATE_TONES = { enabled: 'success', disabled: 'warning', pending_import: 'info', pending_deletion: 'error', deleted: 'default' } as const;

export const KeyStateChip = ({ record }: { record: Pick<KmsKey, 'state'> }) => <StatusChip resource="kms-keys" group="state" value={record.state} tones={KEY_STATE_TONES} />;
