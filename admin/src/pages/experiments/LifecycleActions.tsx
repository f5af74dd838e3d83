import { useEffect, useRef, useState } from 'react';

import { Badge, Button, Flex, VisuallyHidden } from '@strapi/design-system';
import { Clock, Play, Stop } from '@strapi/icons';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';

import { changeExperimentStatus, type ExperimentAction, type Experiment } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { STATUS_BADGE, statusLabel, type T } from '../../experiments/i18n';
import { errorMessage } from '../../utils/api';
import { focusFirstOrHeading } from './focus';

export const StatusBadge = ({ status, t }: { status: Experiment['status']; t: T }) => (
  <Badge variant={STATUS_BADGE[status]} data-testid="experiment-status">
    {statusLabel(status, t)}
  </Badge>
);

/**
 * Start / resume, pause and stop (stopping asks first: it is final). A refused change (409) says
 * why in a notification. A change is also said in a live region, and focus goes to the button that
 * now exists (Pause after Start, Resume after Pause), or to the page's title after Stop.
 */
export const LifecycleActions = ({
  experiment,
  onChanged,
  canManage,
  disabled,
  t,
}: {
  experiment: Experiment;
  onChanged: (experiment: Experiment) => void;
  canManage: boolean;
  /** e.g. unsaved changes in the editor. */
  disabled?: boolean;
  t: T;
}) => {
  const client = useFetchClient();
  const { toggleNotification } = useNotification();
  const [busy, setBusy] = useState<ExperimentAction | null>(null);
  const [confirmStop, setConfirmStop] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const [refocus, setRefocus] = useState(false);
  const actions = useRef<HTMLDivElement>(null);

  // After the parent has the new status (and so the new buttons): focus the first of them.
  useEffect(() => {
    if (!refocus) return;
    setRefocus(false);
    focusFirstOrHeading(actions.current, '[data-lifecycle]');
  }, [refocus, experiment.status]);

  const act = async (action: ExperimentAction) => {
    setBusy(action);
    try {
      onChanged(await changeExperimentStatus(client, experiment.documentId, action));
      const message =
        action === 'start'
          ? t('lifecycle.started', 'Experiment "{name}" is running', { name: experiment.name })
          : action === 'pause'
            ? t('lifecycle.paused', 'Experiment "{name}" is paused: new visitors see the entry as if it did not exist', { name: experiment.name })
            : t('lifecycle.stopped', 'Experiment "{name}" is stopped', { name: experiment.name });
      toggleNotification({ type: 'success', message });
      setAnnouncement(message);
      setRefocus(true);
    } catch (reason) {
      toggleNotification({ type: 'danger', message: errorMessage(reason) });
    } finally {
      setBusy(null);
    }
  };

  const { status } = experiment;
  return (
    <Flex gap={2} wrap="wrap" ref={actions}>
      <VisuallyHidden role="status">{announcement}</VisuallyHidden>
      {canManage && (status === 'draft' || status === 'paused') ? (
        <Button data-lifecycle="start" startIcon={<Play />} loading={busy === 'start'} disabled={disabled} onClick={() => act('start')}>
          {status === 'draft' ? t('lifecycle.start', 'Start') : t('lifecycle.resume', 'Resume')}
        </Button>
      ) : null}
      {canManage && status === 'running' ? (
        <Button data-lifecycle="pause" variant="secondary" startIcon={<Clock />} loading={busy === 'pause'} onClick={() => act('pause')}>
          {t('lifecycle.pause', 'Pause')}
        </Button>
      ) : null}
      {canManage && (status === 'running' || status === 'paused') ? (
        <Button data-lifecycle="stop" variant="danger-light" startIcon={<Stop />} loading={busy === 'stop'} onClick={() => setConfirmStop(true)}>
          {t('lifecycle.stop', 'Stop')}
        </Button>
      ) : null}
      <ConfirmDialog
        open={confirmStop}
        onCancel={() => setConfirmStop(false)}
        onConfirm={() => act('stop')}
        title={t('lifecycle.stop.title', 'Stop this experiment?')}
        description={t(
          'lifecycle.stop.body',
          'Stopping is final: "{name}" cannot run again, and every visitor gets the entry as if the experiment did not exist. Its results stay readable.',
          { name: experiment.name }
        )}
        cancelLabel={t('cancel', 'Cancel')}
        confirmLabel={t('lifecycle.stop.confirm', 'Stop the experiment')}
        variant="danger"
      />
    </Flex>
  );
};
