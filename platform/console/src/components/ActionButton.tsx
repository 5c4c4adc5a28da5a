import { Button as MuiButton } from '@mui/material';
import { useState, type ReactElement } from 'react';
import { Confirm, useTranslate } from 'react-admin';

/** A toolbar button that asks for confirmation before running an action. */
export const ConfirmButton = ({
  label,
  icon,
  title,
  content,
  onConfirm,
  disabled,
  testId,
  color = 'primary',
}: {
  label: string;
  icon: ReactElement;
  title: string;
  content: string;
  onConfirm(): Promise<unknown> | void;
  disabled?: boolean;
  testId?: string;
  color?: 'primary' | 'error' | 'warning';
}) => {
  const translate = useTranslate();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <MuiButton size="small" color={color} startIcon={icon} onClick={() => setOpen(true)} disabled={disabled || busy} data-testid={testId}>
        {translate(label)}
      </MuiButton>
      <Confirm
        isOpen={open}
        loading={busy}
        title={title}
        content={content}
        onClose={() => setOpen(false)}
        onConfirm={async () => {
          setBusy(true);
          try {
            await onConfirm();
          } finally {
            setBusy(false);
            setOpen(false);
          }
        }}
      />
    </>
  );
};
