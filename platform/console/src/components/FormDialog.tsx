import { Button, Dialog, DialogActions, DialogContent, DialogTitle } from '@mui/material';
import type { ReactNode } from 'react';
import { Form, SaveButton, useNotify, useTranslate } from 'react-admin';
import { ApiError } from '../api/http';

/**
 * A dialog holding a react-admin form for the API's non-CRUD actions (quota, restrictions, tokens).
 * The server's objections go back onto the fields; the summary is notified.
 */
export function FormDialog<T extends Record<string, any>>({
  open,
  title,
  record,
  onClose,
  onSubmit,
  children,
  maxWidth = 'md',
  testId,
}: {
  open: boolean;
  title: string;
  record: T;
  onClose(): void;
  onSubmit(values: T): Promise<void>;
  children: ReactNode;
  maxWidth?: 'xs' | 'sm' | 'md' | 'lg';
  testId?: string;
}) {
  const translate = useTranslate();
  const notify = useNotify();
  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth={maxWidth} data-testid={testId}>
      {open && (
        <Form
          record={record}
          onSubmit={async (values: Record<string, any>) => {
            try {
              await onSubmit(values as T);
              onClose();
            } catch (err) {
              notify((err as Error).message || 'ra.notification.http_error', { type: 'error' });
              if (err instanceof ApiError) {
                const { root: _root, ...fieldErrors } = (err.body?.errors ?? {}) as Record<string, unknown>;
                return fieldErrors;
              }
            }
          }}
        >
          <DialogTitle>{title}</DialogTitle>
          <DialogContent dividers>{children}</DialogContent>
          <DialogActions>
            <Button onClick={onClose}>{translate('ra.action.cancel')}</Button>
            <SaveButton alwaysEnable />
          </DialogActions>
        </Form>
      )}
    </Dialog>
  );
}
