import { z } from 'zod';

const isValidTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const timeZoneSchema = z.string().min(1).max(64).refine(isValidTimeZone, {
  message: 'must be an IANA time zone such as "UTC" or "Europe/Paris"',
});
