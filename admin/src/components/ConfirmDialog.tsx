import { Button, Dialog, Typography } from '@strapi/design-system';
import { WarningCircle } from '@strapi/icons';

export interface ConfirmDialogProps {
  open: boolean;
  /** Closed without confirming: Cancel, Escape or a click outside. */
  onCancel: () => void;
  onConfirm: () => void;
  title: string;
  /** What confirming does; the dialog's accessible description. */
  description: string;
  /** A line in bold under it, e.g. that it cannot be undone. */
  note?: string;
  cancelLabel: string;
  confirmLabel: string;
  variant?: 'danger' | 'danger-light';
  /**
   * Given, confirming keeps the dialog open with the button busy while `pending` is true, and the
   * caller closes it (`open`) when done; not given, the dialog closes as soon as it is confirmed.
   */
  pending?: boolean;
}

/** A destructive action asked about first (an alert dialog, as Strapi's own confirmations). */
export const ConfirmDialog = ({
  open,
  onCancel,
  onConfirm,
  title,
  description,
  note,
  cancelLabel,
  confirmLabel,
  variant = 'danger-light',
  pending,
}: ConfirmDialogProps) => {
  const confirm = (
    <Button fullWidth variant={variant} loading={pending} onClick={onConfirm}>
      {confirmLabel}
    </Button>
  );
  return (
    <Dialog.Root open={open} onOpenChange={(next: boolean) => (next ? undefined : onCancel())}>
      <Dialog.Content>
        <Dialog.Header>{title}</Dialog.Header>
        <Dialog.Body>
          <WarningCircle fill="danger600" width={24} height={24} aria-hidden />
          <Dialog.Description textAlign="center">{description}</Dialog.Description>
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
          {pending === undefined ? <Dialog.Action>{confirm}</Dialog.Action> : confirm}
        </Dialog.Footer>
      </Dialog.Content>
    </Dialog.Root>
  );
};
