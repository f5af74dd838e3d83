import { useIntl } from 'react-intl';

import type { VisitorExport } from '../../api';
import { relativeTime } from './visitorView';

/** The page's messages, under `visitors.` in the translations. */
export type T = (key: string, defaultMessage: string, values?: Record<string, string | number>) => string;

/** What every card of a visitor's profile is given. */
export interface CardProps {
  data: VisitorExport;
  t: T;
}

/** Dates as the admin's language writes them, and "3 hours ago". */
export const useTimes = () => {
  const { formatDate, formatRelativeTime } = useIntl();
  return {
    date: (at: number) => formatDate(at, { dateStyle: 'medium', timeStyle: 'short' }),
    ago: (at: number, now: number) => {
      const { value, unit } = relativeTime(at, now);
      return formatRelativeTime(value, unit, { numeric: 'auto' });
    },
  };
};
