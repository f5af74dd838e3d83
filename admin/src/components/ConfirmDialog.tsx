import { useLayoutEffect, useRef } from 'react';

import { Box, Button, Dialog, Typography } from '@strapi/design-system';
import { WarningCircle } from '@strapi/icons';

export interface ConfirmDialogProps {
  open: boolean;
  /** Closed without confirming: Cancel, Escape or a click outside. */
  onCancel: () => void;
  /** Not given: a warning that the action cannot be done now (e.g. an audience in use), with Cancel alone. */
  onConfirm?: () => void;
  title: string;
  /** What confirming does; the dialog's accessible description. */
  description: string;
  /** What the action concerns, listed under the description (e.g. where an audience is used). */
  items?: readonly string[];
  /** The list's `data-testid`. */
  itemsTestId?: string;
  /** A line in bold under it, e.g. that it cannot be undone. */
  note?: string;
  cancelLabel: string;
  confirmLabel?: string;
  variant?: 'danger' | 'danger-light';
  /**
   * Given, confirming keeps the dialog open with the button busy while `pending` is true, and the
   * caller closes it (`open`) when done; not given, the dialog closes as soon as it is confirmed.
   */
  pending?: boolean;
}

/**
 * A destructive action asked about first (an alert dialog, as Strapi's own confirmations), or,
 * without `onConfirm`, a warning that it cannot be done now.
 */
export const ConfirmDialog = ({
  open,
  onCancel,
  onConfirm,
  title,
  description,
  items,
  itemsTestId,
  note,
  cancelLabel,
  confirmLabel,
  variant = 'danger-light',
  pending,
}: ConfirmDialogProps) => {
  // Opened from a button (not a Dialog.Trigger): focus goes back to it on close, as the design
  // system's dialogs do for their trigger, unless it is gone (e.g. the row it deleted).
  const opener = useRef<HTMLElement | null>(null);
  // A layout effect: it runs before the dialog's own (passive) effect moves focus inside it.
  useLayoutEffect(() => {
    if (open) opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  }, [open]);
  const returnFocus = (event: Event) => {
    const target = opener.current;
    opener.current = null;
    if (!target?.isConnected) return;
    event.preventDefault();
    target.focus();
  };
  const confirm = onConfirm ? (
    <Button fullWidth variant={variant} loading={pending} onClick={onConfirm}>
      {confirmLabel}
    </Button>
  ) : null;
  return (
    <Dialog.Root open={open} onOpenChange={(next: boolean) => (next ? undefined : onCancel())}>
      <Dialog.Content onCloseAutoFocus={returnFocus}>
        <Dialog.Header>{title}</Dialog.Header>
        <Dialog.Body>
          <WarningCircle fill="danger600" width={24} height={24} aria-hidden />
          <Dialog.Description textAlign="center">{description}</Dialog.Description>
          {items && items.length > 0 ? (
            <Box tag="ul" data-testid={itemsTestId} paddingLeft={4} style={{ listStyle: 'disc', maxHeight: '40vh', overflowY: 'auto' }}>
              {items.map((item) => (
                <Typography tag="li" key={item}>
                  {item}
                </Typography>
              ))}
            </Box>
          ) : null}
          {note ? (
            <Typography tag="p" textAlign="center" fontWeight="semiBold">
              {note}
            </Typography>
          ) : null}
        </Dialog.Body>
        <Dialog.Footer>
          <Dialog.Cancel>
            <Button fullWidth variant="tertiary">
              {cancelLabel}
            </Button>
          </Dialog.Cancel>
          {confirm === null ? null : pending === undefined ? <Dialog.Action>{confirm}</Dialog.Action> : confirm}
        </Dialog.Footer>
      </Dialog.Content>
    </Dialog.Root>
  );
};
