import LocalOfferIcon from '@mui/icons-material/LocalOffer';
import { Button } from '@mui/material';
import { useState, type ReactElement, type ReactNode } from 'react';
import { TextInput, useNotify, useRecordContext, useRefresh, useResourceContext, useTranslate } from 'react-admin';
import { FormDialog } from '../components/FormDialog';
import { usePerms } from '../components/usePerms';
import { formatTags, parseTags, useCloud } from './kit';
import type { CloudResource } from './types';

/**
 * A button opening a form dialog for one API action; `submit` gets the form values. Hidden without
 * `cloud.operate`.
 */
export function DialogButton<T extends Record<string, any>>({
  label,
  icon,
  title,
  record,
  submit,
  children,
  testId,
  done = 'cloud.common.done',
  variant = 'text',
  disabled,
}: {
  label: string;
  icon?: ReactElement;
  title?: string;
  record: T;
  submit(values: T): Promise<unknown>;
  children: ReactNode;
  testId?: string;
  done?: string;
  variant?: 'text' | 'outlined' | 'contained';
  disabled?: boolean;
}) {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const resource = useResourceContext();
  const { can } = usePerms();
  const [open, setOpen] = useState(false);
  if (resource && !can(resource, 'operate')) return null;
  return (
    <>
      <Button size="small" variant={variant} startIcon={icon} disabled={disabled} onClick={(e) => { e.stopPropagation(); setOpen(true); }} data-testid={testId}>
        {translate(label)}
      </Button>
      <span onClick={(e) => e.stopPropagation()}>
        <FormDialog<T>
          open={open}
          title={translate(title ?? label)}
          record={record}
          maxWidth="sm"
          testId={testId ? `${testId}-dialog` : undefined}
          onClose={() => setOpen(false)}
          onSubmit={async (values) => {
            await submit(values);
            notify(done, { type: 'success' });
            refresh();
          }}
        >
          {children}
        </FormDialog>
      </span>
    </>
  );
}

/** Replaces the record's tags (PUT /api/cloud/<path>/:id/tags). */
export const TagsButton = ({ path }: { path: string }) => {
  const r = useRecordContext<CloudResource>();
  const dp = useCloud();
  if (!r) return null;
  return (
    <DialogButton label="cloud.common.edit_tags" icon={<LocalOfferIcon />} record={{ tagsText: formatTags(r.tags) }} submit={(v) => dp.cloudPut(`${path}/${r.id}/tags`, { tags: parseTags(v.tagsText) })} testId="edit-tags">
      <TextInput source="tagsText" label="cloud.common.tags" helperText="cloud.common.tags_help" fullWidth multiline />
    </DialogButton>
  );
};
